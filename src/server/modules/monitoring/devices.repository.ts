import { sql } from 'kysely';
import type { Device, DeviceListQuery } from '../../../contracts/monitoring.js';
import {
  deviceKindSchema,
  deviceStatusSchema,
  keyEncodingSchema,
  troubleTypes,
} from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { Db, Dialect, Tx } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type {
  MonitoringDeviceOutagesTable,
  MonitoringDevicesTable,
  MonitoringDeviceTroublesTable,
} from './tables.js';

type TroubleCondition = (typeof troubleTypes)[number];
const isTroubleCondition = (value: string): value is TroubleCondition =>
  (troubleTypes as readonly string[]).includes(value);

/** Presents a device; the DC-09 key itself never leaves the server. */
export function toDevice(
  row: MonitoringDevicesTable,
  troubles: MonitoringDeviceTroublesTable[] = [],
): Device {
  const encoding = keyEncodingSchema.safeParse(row.dc09_key_encoding);
  return {
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    kind: deviceKindSchema.catch('other').parse(row.kind),
    status: deviceStatusSchema.catch('unknown').parse(row.status),
    lastSeenAt: row.last_seen_at,
    statusChangedAt: row.status_changed_at,
    supervisionSeconds: row.supervision_seconds,
    dc09:
      row.dc09_account === null
        ? null
        : {
            account: row.dc09_account,
            keyEncoding: encoding.success ? encoding.data : null,
            hasKey: row.dc09_key !== null,
          },
    frigate: row.frigate_camera === null ? null : { camera: row.frigate_camera },
    zigbee2mqtt: row.zigbee_name === null ? null : { name: row.zigbee_name },
    externalId: row.external_id,
    vendor: row.vendor,
    model: row.model,
    firmware: row.firmware,
    serial: row.serial,
    location: row.location,
    zone: row.zone,
    installedOn: row.installed_on,
    lastMaintenanceOn: row.last_maintenance_on,
    nextMaintenanceOn: row.next_maintenance_on,
    notes: row.notes,
    troubles: troubles.flatMap((t) =>
      isTroubleCondition(t.condition)
        ? [{ condition: t.condition, zone: t.zone || null, since: t.since }]
        : [],
    ),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Open trouble conditions of some devices, by device id. */
export async function troublesOf(db: Tx, deviceIds: readonly string[]) {
  const byDevice = new Map<string, MonitoringDeviceTroublesTable[]>();
  for (const ids of chunks(deviceIds, 500)) {
    const rows = await db
      .selectFrom('monitoring_device_troubles')
      .selectAll()
      .where('device_id', 'in', ids)
      .orderBy('since')
      .execute();
    for (const row of rows) byDevice.set(row.device_id, [...(byDevice.get(row.device_id) ?? []), row]);
  }
  return byDevice;
}

/** Devices at the sites the principal may see, by name. */
export async function listDevices(db: Db, principal: Principal, query: DeviceListQuery) {
  const after = decodeCursor(query.cursor, 2);
  const q = query.q?.trim();
  const rows = await db
    .selectFrom('monitoring_devices')
    .selectAll()
    .where(siteVisible('monitoring_devices.site_id', principal))
    .$if(query.siteId !== undefined, (qb) => qb.where('site_id', '=', query.siteId ?? ''))
    .$if(query.kind !== undefined, (qb) => qb.where('kind', '=', query.kind ?? ''))
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status ?? ''))
    .$if(q !== undefined && q !== '', (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('name', 'like', `%${q}%`),
          eb('external_id', 'like', `%${q}%`),
          eb('dc09_account', 'like', `%${q}%`),
          eb('serial', 'like', `%${q}%`),
        ]),
      ),
    )
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('name', '>', String(after?.[0])),
          eb.and([eb('name', '=', String(after?.[0])), eb('id', '>', String(after?.[1]))]),
        ]),
      ),
    )
    .orderBy('name')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  const troubles = await troublesOf(
    db,
    rows.filter((row) => row.status === 'trouble').map((row) => row.id),
  );
  return pageOf(
    rows,
    query.limit,
    (row) => [row.name, row.id],
    (row) => toDevice(row, troubles.get(row.id)),
  );
}

export async function findDevice(
  db: Tx,
  principal: Principal,
  id: string,
): Promise<MonitoringDevicesTable | undefined> {
  return db
    .selectFrom('monitoring_devices')
    .selectAll()
    .where('id', '=', id)
    .where(siteVisible('monitoring_devices.site_id', principal))
    .executeTakeFirst();
}

export async function insertDevice(tx: Tx, row: MonitoringDevicesTable): Promise<void> {
  await tx.insertInto('monitoring_devices').values(row).execute();
}

/** Updates configuration when the version still matches; false when someone changed it first. */
export async function updateDeviceVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<MonitoringDevicesTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('monitoring_devices')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type DeviceIdentifier = 'dc09_account' | 'external_id' | 'frigate_camera' | 'zigbee_name';
const identifierColumns: readonly DeviceIdentifier[] = [
  'dc09_account',
  'external_id',
  'frigate_camera',
  'zigbee_name',
];

/** The first identifier of `values` already used by another device (they route events, so they are unique). */
export async function takenIdentifier(
  tx: Tx,
  values: Partial<Record<DeviceIdentifier, string | null>>,
  exceptId: string | null,
): Promise<DeviceIdentifier | undefined> {
  for (const column of identifierColumns) {
    const value = values[column];
    if (value === null || value === undefined) continue;
    const row = await tx
      .selectFrom('monitoring_devices')
      .select('id')
      .where(column, '=', value)
      .$if(exceptId !== null, (qb) => qb.where('id', '!=', exceptId ?? ''))
      .executeTakeFirst();
    if (row) return column;
  }
  return undefined;
}

/** A device row with its site's time zone, as the ingestion pipeline needs it. */
export type IngestDeviceRow = Pick<
  MonitoringDevicesTable,
  | 'id'
  | 'site_id'
  | 'name'
  | 'status'
  | 'last_seen_at'
  | 'status_changed_at'
  | 'supervision_seconds'
  | 'supervision_due_at'
  | 'dc09_account'
  | 'external_id'
  | 'frigate_camera'
  | 'zigbee_name'
> & { timezone: string };

export interface DeviceRefs {
  ids: string[];
  accounts: string[];
  externalIds: string[];
  cameras: string[];
  zigbeeNames: string[];
}

/** Every device any of the references points at (one query per kind of reference and chunk). */
export async function devicesByRefs(tx: Tx, refs: DeviceRefs): Promise<IngestDeviceRow[]> {
  const found = new Map<string, IngestDeviceRow>();
  const lookups: [keyof DeviceRefs, 'id' | DeviceIdentifier][] = [
    ['ids', 'id'],
    ['accounts', 'dc09_account'],
    ['externalIds', 'external_id'],
    ['cameras', 'frigate_camera'],
    ['zigbeeNames', 'zigbee_name'],
  ];
  for (const [field, column] of lookups) {
    for (const values of chunks([...new Set(refs[field])], 500)) {
      const rows = await tx
        .selectFrom('monitoring_devices')
        .innerJoin('sites', 'sites.id', 'monitoring_devices.site_id')
        .select([
          'monitoring_devices.id',
          'monitoring_devices.site_id',
          'monitoring_devices.name',
          'monitoring_devices.status',
          'monitoring_devices.last_seen_at',
          'monitoring_devices.status_changed_at',
          'monitoring_devices.supervision_seconds',
          'monitoring_devices.supervision_due_at',
          'monitoring_devices.dc09_account',
          'monitoring_devices.external_id',
          'monitoring_devices.frigate_camera',
          'monitoring_devices.zigbee_name',
          'sites.timezone',
        ])
        .where(`monitoring_devices.${column}`, 'in', values)
        .execute();
      for (const row of rows) found.set(row.id, row);
    }
  }
  return [...found.values()];
}

/** Writes a device's runtime state (not its configuration: the version does not move). */
type DeviceRuntime = Pick<
  MonitoringDevicesTable,
  'id' | 'status' | 'last_seen_at' | 'status_changed_at' | 'supervision_due_at'
>;

/**
 * Writes the runtime state of many devices in one statement: an ingestion batch from a thousand
 * panels touches a thousand devices, and a statement each was most of the commit's cost. On
 * SQLite the rows come as one JSON parameter (the statement's text never changes, so it is
 * prepared once, where a VALUES list of each batch's length was prepared anew every time); on
 * PostgreSQL UPDATE … FROM VALUES, one statement per 500.
 */
export async function updateDevicesRuntime(
  tx: Tx,
  dialect: Dialect,
  rows: readonly DeviceRuntime[],
): Promise<void> {
  if (rows.length === 0) return;
  if (dialect === 'sqlite') {
    const json = JSON.stringify(
      rows.map((r) => [r.id, r.status, r.last_seen_at, r.status_changed_at, r.supervision_due_at]),
    );
    await sql`update monitoring_devices set status = v.status, last_seen_at = v.last_seen_at,
      status_changed_at = v.status_changed_at, supervision_due_at = v.supervision_due_at
      from (select value ->> 0 as id, value ->> 1 as status, value ->> 2 as last_seen_at,
        value ->> 3 as status_changed_at, value ->> 4 as supervision_due_at from json_each(${json})) as v
      where monitoring_devices.id = v.id`.execute(tx);
    return;
  }
  for (const part of chunks(rows, 500)) {
    const values = sql.join(
      part.map(
        (r) =>
          sql`(${r.id}, ${r.status}, ${r.last_seen_at}, ${r.status_changed_at}, ${r.supervision_due_at})`,
      ),
    );
    await sql`update monitoring_devices set status = v.column2, last_seen_at = v.column3,
      status_changed_at = v.column4, supervision_due_at = v.column5
      from (values ${values}) as v where monitoring_devices.id = v.column1`.execute(tx);
  }
}

export async function insertTroubles(tx: Tx, rows: MonitoringDeviceTroublesTable[]): Promise<void> {
  for (const part of chunks(rows, 200))
    await tx.insertInto('monitoring_device_troubles').values(part).execute();
}

export async function deleteTrouble(
  tx: Tx,
  key: Pick<MonitoringDeviceTroublesTable, 'device_id' | 'condition' | 'zone'>,
): Promise<void> {
  await tx
    .deleteFrom('monitoring_device_troubles')
    .where('device_id', '=', key.device_id)
    .where('condition', '=', key.condition)
    .where('zone', '=', key.zone)
    .execute();
}

/** The open outage of each device among `deviceIds`. */
export async function openOutages(tx: Tx, deviceIds: readonly string[]) {
  const byDevice = new Map<string, MonitoringDeviceOutagesTable>();
  for (const ids of chunks(deviceIds, 500)) {
    const rows = await tx
      .selectFrom('monitoring_device_outages')
      .selectAll()
      .where('device_id', 'in', ids)
      .where('ended_at', 'is', null)
      .execute();
    for (const row of rows) byDevice.set(row.device_id, row);
  }
  return byDevice;
}

export async function insertOutage(tx: Tx, row: MonitoringDeviceOutagesTable): Promise<void> {
  await tx.insertInto('monitoring_device_outages').values(row).execute();
}

export async function closeOutage(tx: Tx, id: string, endedAt: string): Promise<void> {
  await tx
    .updateTable('monitoring_device_outages')
    .set({ ended_at: endedAt })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

/** Supervised devices overdue at `now` and not already offline (the supervision sweep). */
export async function overdueDevices(db: Tx, now: string, limit: number) {
  return db
    .selectFrom('monitoring_devices')
    .select(['id', 'supervision_due_at', 'last_seen_at', 'supervision_seconds'])
    .where('supervision_due_at', '<', now)
    .where('status', '!=', 'offline')
    .orderBy('supervision_due_at')
    .limit(limit)
    .execute();
}

/** Devices for a health report, scoped to the principal's sites. */
export async function devicesForReport(
  db: Db,
  principal: Principal,
  filter: { siteId?: string; deviceId?: string },
) {
  return db
    .selectFrom('monitoring_devices')
    .select(['id', 'site_id', 'name', 'status', 'created_at'])
    .where(siteVisible('monitoring_devices.site_id', principal))
    .$if(filter.siteId !== undefined, (qb) => qb.where('site_id', '=', filter.siteId ?? ''))
    .$if(filter.deviceId !== undefined, (qb) => qb.where('id', '=', filter.deviceId ?? ''))
    .orderBy('name')
    .orderBy('id')
    .limit(5000)
    .execute();
}

/** Outages overlapping [from, to) of some devices. */
export async function outagesOverlapping(db: Db, deviceIds: readonly string[], from: string, to: string) {
  const rows: MonitoringDeviceOutagesTable[] = [];
  for (const ids of chunks(deviceIds, 500)) {
    rows.push(
      ...(await db
        .selectFrom('monitoring_device_outages')
        .selectAll()
        .where('device_id', 'in', ids)
        .where('started_at', '<', to)
        .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]))
        .orderBy('started_at')
        .execute()),
    );
  }
  return rows;
}

/** The stored (sealed) key of a DC-09 account, for the receiver. */
export async function dc09KeyRow(db: Db, account: string) {
  return db
    .selectFrom('monitoring_devices')
    .select(['id', 'dc09_key', 'dc09_key_encoding'])
    .where('dc09_account', '=', account)
    .executeTakeFirst();
}

/** Splits a list into slices of at most `size` (parameter limits of the drivers). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Devices mapped to a Frigate camera (Frigate's own availability concerns them all). */
export async function frigateDeviceIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('monitoring_devices')
    .select('id')
    .where('frigate_camera', 'is not', null)
    .execute();
  return rows.map((row) => row.id);
}

/** Every stored (sealed) DC-09 key, for the receiver's in-memory copy. */
export async function dc09KeyRows(db: Db) {
  return db
    .selectFrom('monitoring_devices')
    .select(['id', 'dc09_account', 'dc09_key', 'dc09_key_encoding'])
    .where('dc09_key', 'is not', null)
    .execute();
}
