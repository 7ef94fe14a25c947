import type { CreateDevice, Device, UpdateDevice } from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import {
  dc09KeyRow,
  findDevice,
  insertDevice,
  takenIdentifier,
  toDevice,
  troublesOf,
  updateDeviceVersioned,
  type DeviceIdentifier,
} from './devices.repository.js';
import { devicesChanged } from './dc09-keys.js';
import { keyBytes, openDeviceKey, sealDeviceKey } from './keys.js';
import { supervisionDueAt } from './supervision-clock.js';
import type { MonitoringDevicesTable } from './tables.js';

const identifierField: Record<DeviceIdentifier, string> = {
  dc09_account: 'dc09.account',
  external_id: 'externalId',
  frigate_camera: 'frigate.camera',
  zigbee_name: 'zigbee2mqtt.name',
};

/** A site the caller can see, or a 400 naming the field (an unknown and a hidden site look alike). */
async function checkSiteInScope(tx: Tx, principal: Principal, siteId: string): Promise<void> {
  const site = await tx
    .selectFrom('sites')
    .select('id')
    .where('id', '=', siteId)
    .where(siteVisible('sites.id', principal))
    .executeTakeFirst();
  if (!site)
    throw new AppError('validation_failed', 'The site does not exist.', [
      { path: 'siteId', message: 'unknown site' },
    ]);
}

/** Event routing identifiers are unique: two devices answering to one account would split its alarms. */
async function checkIdentifiers(
  tx: Tx,
  values: Partial<Record<DeviceIdentifier, string | null>>,
  exceptId: string | null,
): Promise<void> {
  const taken = await takenIdentifier(tx, values, exceptId);
  if (taken) {
    const field = identifierField[taken];
    throw new AppError('already_exists', `Another device already uses this ${field}.`, [
      { path: field, message: 'already in use' },
    ]);
  }
}

/** What the audit log records about a device: its configuration, never its key. */
function auditView(input: CreateDevice | UpdateDevice): Record<string, unknown> {
  const { dc09, ...rest } = input;
  if (dc09 === undefined) return rest;
  if (dc09 === null) return { ...rest, dc09: null };
  const { key, ...settings } = dc09;
  return {
    ...rest,
    dc09: { ...settings, ...(key !== undefined ? { key: key === null ? null : '[set]' } : {}) },
  };
}

/** Registers a device at a site the caller can see. */
export async function createDevice(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: CreateDevice,
): Promise<Device> {
  const device = await writeAudited(ctx.database, audit, async (tx, record) => {
    await checkSiteInScope(tx, principal, input.siteId);
    await checkIdentifiers(
      tx,
      {
        dc09_account: input.dc09?.account ?? null,
        external_id: input.externalId ?? null,
        frigate_camera: input.frigate?.camera ?? null,
        zigbee_name: input.zigbee2mqtt?.name ?? null,
      },
      null,
    );
    const now = nowIso();
    const id = newId();
    const supervision = input.supervisionSeconds ?? null;
    const row: MonitoringDevicesTable = {
      id,
      site_id: input.siteId,
      name: input.name,
      kind: input.kind,
      status: 'unknown',
      last_seen_at: null,
      status_changed_at: null,
      supervision_seconds: supervision,
      // A supervised device that never reports goes offline one period after it is registered.
      supervision_due_at: supervisionDueAt(now, supervision),
      dc09_account: input.dc09?.account ?? null,
      dc09_key: input.dc09?.key ? sealDeviceKey(ctx.config.dataDir, id, input.dc09.key) : null,
      dc09_key_encoding: input.dc09?.key ? (input.dc09.keyEncoding ?? 'hex') : null,
      frigate_camera: input.frigate?.camera ?? null,
      zigbee_name: input.zigbee2mqtt?.name ?? null,
      external_id: input.externalId ?? null,
      vendor: input.vendor ?? null,
      model: input.model ?? null,
      firmware: input.firmware ?? null,
      serial: input.serial ?? null,
      location: input.location ?? null,
      zone: input.zone ?? null,
      installed_on: input.installedOn ?? null,
      last_maintenance_on: input.lastMaintenanceOn ?? null,
      next_maintenance_on: input.nextMaintenanceOn ?? null,
      notes: input.notes ?? null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertDevice(tx, row);
    await record({
      action: 'device.created',
      entityType: 'device',
      entityId: id,
      siteId: row.site_id,
      changes: auditView(input),
    });
    return toDevice(row);
  });
  if (input.dc09) devicesChanged(ctx);
  return device;
}

const plainColumns: Record<string, keyof MonitoringDevicesTable> = {
  name: 'name',
  kind: 'kind',
  siteId: 'site_id',
  externalId: 'external_id',
  vendor: 'vendor',
  model: 'model',
  firmware: 'firmware',
  serial: 'serial',
  location: 'location',
  zone: 'zone',
  installedOn: 'installed_on',
  lastMaintenanceOn: 'last_maintenance_on',
  nextMaintenanceOn: 'next_maintenance_on',
  notes: 'notes',
};

/** Updates a device's configuration at the version the caller read. */
export async function updateDevice(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  version: number,
  input: UpdateDevice,
): Promise<Device> {
  const device = await writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await findDevice(tx, principal, id);
    if (!current) throw notFound('Device');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The device has changed since you read it; reload it.');
    if (input.siteId !== undefined) await checkSiteInScope(tx, principal, input.siteId);
    await checkIdentifiers(
      tx,
      {
        ...(input.dc09 ? { dc09_account: input.dc09.account } : {}),
        ...(input.externalId ? { external_id: input.externalId } : {}),
        ...(input.frigate ? { frigate_camera: input.frigate.camera } : {}),
        ...(input.zigbee2mqtt ? { zigbee_name: input.zigbee2mqtt.name } : {}),
      },
      id,
    );
    const patch: Partial<MonitoringDevicesTable> = { updated_at: nowIso() };
    for (const [field, value] of Object.entries(input)) {
      const column = plainColumns[field];
      if (column && value !== undefined) Object.assign(patch, { [column]: value });
    }
    if (input.supervisionSeconds !== undefined) {
      patch.supervision_seconds = input.supervisionSeconds;
      patch.supervision_due_at = supervisionDueAt(current.last_seen_at ?? nowIso(), input.supervisionSeconds);
    }
    if (input.dc09 === null) {
      Object.assign(patch, { dc09_account: null, dc09_key: null, dc09_key_encoding: null });
    } else if (input.dc09) {
      patch.dc09_account = input.dc09.account;
      // Without `key` the stored key stays; `key: null` removes it.
      if (input.dc09.key === null) Object.assign(patch, { dc09_key: null, dc09_key_encoding: null });
      else if (input.dc09.key !== undefined) {
        patch.dc09_key = sealDeviceKey(ctx.config.dataDir, id, input.dc09.key);
        patch.dc09_key_encoding = input.dc09.keyEncoding ?? 'hex';
      } else if (input.dc09.keyEncoding !== undefined && current.dc09_key !== null) {
        patch.dc09_key_encoding = input.dc09.keyEncoding;
      }
    }
    if (input.frigate !== undefined) patch.frigate_camera = input.frigate?.camera ?? null;
    if (input.zigbee2mqtt !== undefined) patch.zigbee_name = input.zigbee2mqtt?.name ?? null;
    if (!(await updateDeviceVersioned(tx, id, version, patch)))
      throw new AppError('precondition_failed', 'The device has changed since you read it; reload it.');
    await record({
      action: 'device.updated',
      entityType: 'device',
      entityId: id,
      siteId: patch.site_id ?? current.site_id,
      changes: auditView(input),
    });
    const troubles = await troublesOf(tx, [id]);
    return toDevice({ ...current, ...patch, version: version + 1 }, troubles.get(id));
  });
  if (input.dc09 !== undefined) devicesChanged(ctx);
  return device;
}

/** A device as its reader sees it (404 outside the caller's sites). */
export async function getDevice(ctx: AppContext, principal: Principal, id: string): Promise<Device> {
  const row = await findDevice(ctx.database.db, principal, id);
  if (!row) throw notFound('Device');
  const troubles = await troublesOf(ctx.database.db, [id]);
  return toDevice(row, troubles.get(id));
}

/**
 * The AES key of a DC-09 account as raw bytes, for the receiver to decrypt `*` frames; null when
 * the account is unknown, has no key, or the key cannot be opened on this node.
 */
export async function dc09KeyFor(ctx: AppContext, account: string): Promise<Buffer | null> {
  const row = await dc09KeyRow(ctx.database.db, account);
  if (!row?.dc09_key) return null;
  const secret = openDeviceKey(ctx.config.dataDir, row.id, row.dc09_key);
  if (secret === null) {
    ctx.logger.error(
      { deviceId: row.id },
      'cannot open the stored DC-09 key: is keys/device-keys.key the same on every node?',
    );
    return null;
  }
  return keyBytes(secret, row.dc09_key_encoding === 'ascii' ? 'ascii' : 'hex');
}
