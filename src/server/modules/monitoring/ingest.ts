import { sql } from 'kysely';
import type { EventType, IngestEventInput, IngestResult } from '../../../contracts/monitoring.js';
import { troubleTypes } from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AppContext } from '../../platform/context.js';
import type { DatabaseHandle, Tx } from '../../platform/db/database.js';
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';
import { newId, nowIso } from '../../platform/ids.js';
import {
  insertAlarms,
  openAlarmsByFoldKeys,
  restorableAlarms,
  updateAlarmsRuntime,
} from './alarms.repository.js';
import { enabledRules, sopStepsFor } from './config.repository.js';
import {
  closeOutage,
  deleteTrouble,
  devicesByRefs,
  insertOutage,
  insertTroubles,
  openOutages,
  troublesOf,
  updateDevicesRuntime,
  type DeviceRefs,
  type IngestDeviceRow,
} from './devices.repository.js';
import { insertEvents, storedSourceIds } from './events.repository.js';
import { publishAlarmChanges } from './live.js';
import { choosePolicy, defaultPolicy, priorityRank, DEFAULT_FOLD_SECONDS, type RuleSpec } from './rules.js';
import { supervisionDueAt } from './supervision-clock.js';
import type { MonitoringAlarmsTable, MonitoringEventsTable } from './tables.js';

/*
 * The one ingestion pipeline. Every protocol adapter (DC-09, MQTT, HTTP, the supervision sweep)
 * hands normalized events to `ingestEvents`; it answers only once they are durably committed.
 *
 * Group commit: calls that arrive while a transaction is in flight wait and are committed
 * together in the next one, so a thousand panels sending one frame each cost a handful of
 * fsyncs, not a thousand. Inside the transaction the batch is deduplicated on (source, source
 * event id), matched to devices, evaluated by the rules and folded into alarms; device health
 * (online, offline, trouble, outages) moves with it. Alarm changes go to the live stream after
 * the commit.
 */

/** Most events committed in one transaction; a bigger backlog is split over several. */
// Bounded so a transaction (which on SQLite holds the event loop while it runs) stays short: the
// alarm stream's latency under load is about two of them.
const MAX_GROUP_EVENTS = 4000;
// Serialises ingestion transactions across app nodes on PostgreSQL (folding reads then writes).
const INGEST_LOCK = 0x56_49_47_4d; // "VIGM"
const TEXT_LIMIT = 200;
const DETAILS_LIMIT = 16_384;
const HEARTBEAT_TYPES: readonly EventType[] = ['test', 'supervision'];
const isTroubleType = (type: string | null | undefined): boolean =>
  type !== null && type !== undefined && (troubleTypes as readonly string[]).includes(type);

export interface IngestOptions {
  /**
   * The caller whose site scope limits which devices the events may address (HTTP ingestion).
   * An event for a device outside the scope is handled like one for an unknown device.
   * Protocol adapters (DC-09, MQTT) pass none.
   */
  scope?: Principal | null;
}

interface Pending {
  events: readonly IngestEventInput[];
  scope: Principal | null;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

interface Committer {
  pending: Pending[];
  running: boolean;
  lastWasSmall: boolean;
  idle: (() => void)[];
}

const committers = new WeakMap<DatabaseHandle, Committer>();

/**
 * Commits a batch of normalized events durably (with every concurrent batch, in one transaction),
 * deduplicated by (source, sourceEventId), then evaluated into alarms. Resolves after the commit.
 */
export function ingestEvents(
  ctx: AppContext,
  events: readonly IngestEventInput[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  if (events.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, outcomes: [] });
  let committer = committers.get(ctx.database);
  if (!committer) {
    committer = { pending: [], running: false, lastWasSmall: false, idle: [] };
    committers.set(ctx.database, committer);
  }
  const queue = committer;
  return new Promise<IngestResult>((resolve, reject) => {
    queue.pending.push({ events, scope: options.scope ?? null, resolve, reject });
    if (!queue.running) void drain(ctx, queue);
  });
}

/** Batches this small (a panel's frame, an alarm from an integration) may jump the queue. */
const SMALL_BATCH = 50;

/**
 * The next group to commit. Small batches waiting behind bulk uploads go first, in a group of
 * their own: an alarm from a panel should not wait for a 5,000-event backfill. The group after a
 * small-only one is taken in arrival order, so bulk uploads are never starved.
 */
function nextGroup(committer: Committer): Pending[] {
  const group: Pending[] = [];
  let size = 0;
  const smallFirst = !committer.lastWasSmall && committer.pending.some((p) => p.events.length <= SMALL_BATCH);
  const rest: Pending[] = [];
  for (const pending of committer.pending) {
    const eligible = !smallFirst || pending.events.length <= SMALL_BATCH;
    if (eligible && (group.length === 0 || size + pending.events.length <= MAX_GROUP_EVENTS)) {
      group.push(pending);
      size += pending.events.length;
    } else rest.push(pending);
  }
  committer.pending = rest;
  committer.lastWasSmall = smallFirst;
  return group;
}

async function drain(ctx: AppContext, committer: Committer): Promise<void> {
  committer.running = true;
  try {
    while (committer.pending.length > 0) {
      // SQLite work is synchronous: without this pause no request that arrived during the last
      // transaction would be read before the next one, so an alarm would queue behind every bulk
      // batch already waiting instead of joining the next (small-first) group.
      await new Promise((resolve) => setImmediate(resolve));
      const group = nextGroup(committer);
      try {
        const results = await commitGroup(ctx, group);
        group.forEach((pending, index) => pending.resolve(results[index] ?? emptyResult()));
      } catch (error) {
        // One caller's bad batch must not fail the others that shared its transaction: retry alone.
        if (group.length === 1) group[0]?.reject(error);
        else {
          for (const pending of group) {
            try {
              const [result] = await commitGroup(ctx, [pending]);
              pending.resolve(result ?? emptyResult());
            } catch (single) {
              pending.reject(single);
            }
          }
        }
      }
    }
  } finally {
    committer.running = false;
    for (const wake of committer.idle.splice(0)) wake();
  }
}

/** Resolves once every event handed to the pipeline so far is committed (for a clean shutdown). */
export function ingestionIdle(ctx: AppContext): Promise<void> {
  const committer = committers.get(ctx.database);
  if (!committer?.running) return Promise.resolve();
  return new Promise((resolve) => committer.idle.push(resolve));
}

const emptyResult = (): IngestResult => ({ accepted: 0, duplicates: 0, outcomes: [] });

interface Prepared {
  pending: number;
  index: number;
  input: IngestEventInput;
  sourceEventId: string;
  occurredAt: string;
  occurredMs: number;
  receivedAt: string;
  zone: string | null;
  code: string | null;
  ref: string | null;
  details: string | null;
}

const clip = (value: string | null | undefined, max = TEXT_LIMIT): string | null => {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.slice(0, max);
};

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A time as canonical ISO-8601 UTC with milliseconds (sortable text), or null when unreadable. */
function isoOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  // Most senders already send the canonical form: keep the string rather than rebuild it.
  return CANONICAL_ISO.test(value) ? value : new Date(ms).toISOString();
}

function prepare(group: Pending[], now: string): Prepared[] {
  const prepared: Prepared[] = [];
  group.forEach((pending, p) => {
    pending.events.forEach((input, index) => {
      const receivedAt = isoOrNull(input.receivedAt) ?? now;
      const occurredAt = isoOrNull(input.occurredAt) ?? receivedAt;
      let details = input.details ? JSON.stringify(input.details) : null;
      if (details !== null && details.length > DETAILS_LIMIT) details = JSON.stringify({ truncated: true });
      prepared.push({
        pending: p,
        index,
        input,
        sourceEventId: input.sourceEventId.slice(0, 300),
        occurredAt,
        occurredMs: Date.parse(occurredAt),
        receivedAt,
        zone: clip(input.zone, 100),
        code: clip(input.rawCode, 100),
        ref: clip(
          input.account ?? input.externalId ?? input.frigateCamera ?? input.zigbeeName ?? input.deviceId,
        ),
        details,
      });
    });
  });
  return prepared;
}

interface TroubleState {
  condition: string;
  zone: string;
  since: string;
  stored: boolean;
}

interface DeviceState {
  row: IngestDeviceRow;
  storedLastSeen: string | null;
  dirty: boolean;
  troubles: Map<string, TroubleState>;
  removedTroubles: TroubleState[];
  outage: { id: string; startedAt: string; cause: string; stored: boolean; endedAt: string | null } | null;
}

interface AlarmState {
  row: MonitoringAlarmsTable;
  stored: boolean;
  dirty: boolean;
}

/*
 * Event ids: UUIDv7 like every id in Vigil, but drawn from one pool of random bytes per batch
 * (one getRandomValues call per id is a measurable share of the ingestion budget), and kept
 * monotonic across the batch so events list in the order they were taken in.
 */
const idState = { msecs: 0, seq: 0 };
function eventIds(count: number): string[] {
  const pool = randomFillSync(Buffer.alloc(count * 16));
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const random = pool.subarray(i * 16, i * 16 + 16);
    const now = Date.now();
    if (now > idState.msecs) {
      idState.msecs = now;
      idState.seq = random.readUInt32BE(6) & 0x7fff_ffff;
    } else {
      idState.seq = (idState.seq + 1) | 0;
      if (idState.seq === 0) idState.msecs += 1;
    }
    ids.push(v7({ random, msecs: idState.msecs, seq: idState.seq }));
  }
  return ids;
}

// Last-seen times are kept to the second: writing a device row for every millisecond it talks
// would cost more than the events themselves, and supervision periods are counted in seconds.
const LAST_SEEN_RESOLUTION_MS = 1000;

const foldKeyOf = (deviceId: string, zone: string | null, type: string) =>
  `${deviceId}|${zone ?? ''}|${type}`;

async function commitGroup(ctx: AppContext, group: Pending[]): Promise<IngestResult[]> {
  const now = nowIso();
  const prepared = prepare(group, now);
  const outcomes: ('accepted' | 'duplicate')[][] = group.map((pending) =>
    pending.events.map((): 'accepted' | 'duplicate' => 'accepted'),
  );
  const changes = await ctx.database.transaction(async (tx) => {
    if (ctx.database.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${INGEST_LOCK})`.execute(tx);
    const fresh = await withoutDuplicates(tx, prepared, outcomes);
    if (fresh.length === 0) return { raised: [], updated: [] };
    return new GroupRun(ctx, tx, group).run(fresh);
  });
  await publishAlarmChanges(ctx, changes.raised, changes.updated).catch((error: unknown) =>
    ctx.logger.warn({ err: error }, 'could not publish alarm changes to the live stream'),
  );
  return outcomes.map((list) => {
    const duplicates = list.filter((outcome) => outcome === 'duplicate').length;
    return { accepted: list.length - duplicates, duplicates, outcomes: list };
  });
}

/** Drops events already stored (and repeats inside the batch), marking them duplicates. */
async function withoutDuplicates(
  tx: Tx,
  prepared: Prepared[],
  outcomes: ('accepted' | 'duplicate')[][],
): Promise<Prepared[]> {
  const bySource = new Map<string, string[]>();
  for (const event of prepared) {
    const ids = bySource.get(event.input.source) ?? [];
    ids.push(event.sourceEventId);
    bySource.set(event.input.source, ids);
  }
  const stored = new Set<string>();
  for (const [source, ids] of bySource)
    for (const id of await storedSourceIds(tx, source, ids)) stored.add(`${source}\u0000${id}`);
  const fresh: Prepared[] = [];
  for (const event of prepared) {
    const key = `${event.input.source}\u0000${event.sourceEventId}`;
    const list = outcomes[event.pending];
    if (stored.has(key)) {
      if (list) list[event.index] = 'duplicate';
      continue;
    }
    stored.add(key);
    fresh.push(event);
  }
  return fresh;
}

/** One group's work inside its transaction: devices, rules, alarms, then the writes. */
class GroupRun {
  private readonly devicesById = new Map<string, DeviceState>();
  private readonly byRef = {
    account: new Map<string, DeviceState>(),
    external: new Map<string, DeviceState>(),
    camera: new Map<string, DeviceState>(),
    zigbee: new Map<string, DeviceState>(),
  };
  private readonly alarms = new Map<string, AlarmState>();
  private readonly openByFold = new Map<string, AlarmState>();
  private readonly raised = new Set<string>();
  private readonly updated = new Set<string>();
  private readonly sops = new Map<string, string[]>();
  private readonly scopes = new Map<string, Set<string> | null>();
  private rules: RuleSpec[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly tx: Tx,
    private readonly group: Pending[],
  ) {}

  async run(events: Prepared[]): Promise<{ raised: string[]; updated: string[] }> {
    await this.loadDevices(events);
    await this.loadScopes();
    this.rules = await enabledRules(this.tx, [...new Set(events.map((e) => e.input.type))]);
    await this.loadAlarms(events);
    const rows: MonitoringEventsTable[] = [];
    const ids = eventIds(events.length);
    for (const [index, event] of events.entries()) rows.push(await this.handle(event, ids[index] ?? newId()));
    await insertEvents(this.tx, rows, this.ctx.database.sqlite);
    await this.writeAlarms();
    await this.writeDevices();
    return { raised: [...this.raised], updated: [...this.updated].filter((id) => !this.raised.has(id)) };
  }

  private async loadDevices(events: Prepared[]): Promise<void> {
    const refs: DeviceRefs = { ids: [], accounts: [], externalIds: [], cameras: [], zigbeeNames: [] };
    for (const { input } of events) {
      if (input.deviceId) refs.ids.push(input.deviceId);
      else if (input.account) refs.accounts.push(input.account);
      else if (input.externalId) refs.externalIds.push(input.externalId);
      else if (input.frigateCamera) refs.cameras.push(input.frigateCamera);
      else if (input.zigbeeName) refs.zigbeeNames.push(input.zigbeeName);
    }
    const rows = await devicesByRefs(this.tx, refs);
    if (rows.length === 0) return;
    const ids = rows.map((row) => row.id);
    const troubles = await troublesOf(this.tx, ids);
    const anyLost = events.some((event) => event.input.type === 'communication_lost');
    const outages = await openOutages(
      this.tx,
      rows.filter((row) => anyLost || row.status === 'offline').map((row) => row.id),
    );
    for (const row of rows) {
      const outage = outages.get(row.id);
      const state: DeviceState = {
        row: { ...row },
        storedLastSeen: row.last_seen_at,
        dirty: false,
        troubles: new Map(
          (troubles.get(row.id) ?? []).map((t) => [
            `${t.condition}|${t.zone}`,
            { condition: t.condition, zone: t.zone, since: t.since, stored: true },
          ]),
        ),
        removedTroubles: [],
        outage: outage
          ? { id: outage.id, startedAt: outage.started_at, cause: outage.cause, stored: true, endedAt: null }
          : null,
      };
      this.devicesById.set(row.id, state);
      if (row.dc09_account) this.byRef.account.set(row.dc09_account, state);
      if (row.external_id) this.byRef.external.set(row.external_id, state);
      if (row.frigate_camera) this.byRef.camera.set(row.frigate_camera, state);
      if (row.zigbee_name) this.byRef.zigbee.set(row.zigbee_name, state);
    }
  }

  private async loadScopes(): Promise<void> {
    for (const pending of this.group) {
      const scope = pending.scope;
      if (!scope || scope.allSites || this.scopes.has(scope.userId)) continue;
      const rows = await this.tx
        .selectFrom('user_sites')
        .select('site_id')
        .where('user_id', '=', scope.userId)
        .execute();
      this.scopes.set(scope.userId, new Set(rows.map((row) => row.site_id)));
    }
  }

  private deviceOf(event: Prepared): DeviceState | undefined {
    const { input } = event;
    const device = input.deviceId
      ? this.devicesById.get(input.deviceId)
      : input.account
        ? this.byRef.account.get(input.account)
        : input.externalId
          ? this.byRef.external.get(input.externalId)
          : input.frigateCamera
            ? this.byRef.camera.get(input.frigateCamera)
            : input.zigbeeName
              ? this.byRef.zigbee.get(input.zigbeeName)
              : undefined;
    if (!device) return undefined;
    const scope = this.group[event.pending]?.scope;
    if (scope && !scope.allSites && !this.scopes.get(scope.userId)?.has(device.row.site_id)) return undefined;
    return device;
  }

  private async loadAlarms(events: Prepared[]): Promise<void> {
    const keys = new Set<string>();
    const restoring = new Set<string>();
    for (const event of events) {
      const device = this.deviceOf(event);
      if (!device) {
        keys.add(`unregistered|${event.input.source}|${event.ref ?? ''}`);
        continue;
      }
      keys.add(foldKeyOf(device.row.id, event.zone, event.input.type));
      if (device.row.status === 'offline') keys.add(foldKeyOf(device.row.id, null, 'communication_lost'));
      if (event.input.type === 'restore') restoring.add(device.row.id);
    }
    const dialect = this.ctx.database.dialect;
    const rows = [
      ...(await openAlarmsByFoldKeys(this.tx, dialect, [...keys])),
      ...(await restorableAlarms(this.tx, dialect, [...restoring])),
    ];
    for (const row of rows) {
      if (this.alarms.has(row.id)) continue;
      const state: AlarmState = { row, stored: true, dirty: false };
      this.alarms.set(row.id, state);
      const current = this.openByFold.get(row.fold_key);
      if (!current || current.row.last_at < row.last_at) this.openByFold.set(row.fold_key, state);
    }
  }

  private async handle(event: Prepared, id: string): Promise<MonitoringEventsTable> {
    const { input } = event;
    const device = this.deviceOf(event);
    const base: MonitoringEventsTable = {
      id,
      source: input.source,
      source_event_id: event.sourceEventId,
      device_id: device?.row.id ?? null,
      site_id: device?.row.site_id ?? null,
      device_ref: event.ref,
      type: input.type,
      restore_of: input.type === 'restore' ? (input.restoreOf ?? null) : null,
      code: event.code,
      zone: event.zone,
      occurred_at: event.occurredAt,
      received_at: event.receivedAt,
      outcome: 'log',
      alarm_id: null,
      details: event.details,
    };
    if (!device) {
      // A misconfigured panel is never silently ignored: its events are kept and raise an alarm.
      const fallback = defaultPolicy(input.type).priority;
      const alarm = await this.raise(event, {
        foldKey: `unregistered|${input.source}|${event.ref ?? ''}`,
        type: 'unregistered_device',
        priority: Math.min(priorityRank.high, fallback),
        foldSeconds: DEFAULT_FOLD_SECONDS,
        ruleId: null,
        siteId: null,
        deviceId: null,
        zone: null,
        code: event.ref,
      });
      return { ...base, outcome: 'unregistered', alarm_id: alarm.row.id };
    }
    if (input.type === 'communication_lost') {
      // The supervision sweep saw the device overdue; if it was heard since, the report is stale.
      const stale =
        input.source === 'system' &&
        device.row.supervision_due_at !== null &&
        device.row.supervision_due_at > event.receivedAt;
      if (stale) return base;
      this.markOffline(device, event);
    } else {
      this.markHeard(device, event);
    }
    if (input.type === 'restore') {
      const restored = this.restore(device, event, input.restoreOf ?? null);
      return { ...base, outcome: 'restore', alarm_id: restored };
    }
    if (HEARTBEAT_TYPES.includes(input.type)) return { ...base, outcome: 'heartbeat' };
    const policy = choosePolicy(
      this.rules,
      { type: input.type, occurredMs: event.occurredMs },
      {
        id: device.row.id,
        siteId: device.row.site_id,
        timezone: device.row.timezone,
      },
    );
    if (policy.action === 'log') return base;
    const alarm = await this.raise(event, {
      foldKey: foldKeyOf(device.row.id, event.zone, input.type),
      type: input.type,
      priority: policy.priority,
      foldSeconds: policy.foldSeconds,
      ruleId: policy.ruleId,
      siteId: device.row.site_id,
      deviceId: device.row.id,
      zone: event.zone,
      code: event.code,
    });
    return { ...base, outcome: 'alarm', alarm_id: alarm.row.id };
  }

  /** The device talked: it is online (or in trouble), its outage if any is over. */
  private markHeard(device: DeviceState, event: Prepared): void {
    const row = device.row;
    const { input } = event;
    if (row.last_seen_at === null || row.last_seen_at < event.receivedAt) {
      const stored = device.storedLastSeen;
      const advance = stored === null ? Infinity : Date.parse(event.receivedAt) - Date.parse(stored);
      row.last_seen_at = event.receivedAt;
      row.supervision_due_at = supervisionDueAt(event.receivedAt, row.supervision_seconds);
      if (advance >= LAST_SEEN_RESOLUTION_MS) device.dirty = true;
    }
    if (row.status === 'offline') {
      if (device.outage && device.outage.endedAt === null) device.outage.endedAt = event.receivedAt;
      const lost = this.openByFold.get(foldKeyOf(row.id, null, 'communication_lost'));
      if (lost && lost.row.restored_at === null) this.touchAlarm(lost, { restored_at: event.receivedAt });
    }
    if (isTroubleType(input.type)) {
      const key = `${input.type}|${event.zone ?? ''}`;
      if (!device.troubles.has(key))
        device.troubles.set(key, {
          condition: input.type,
          zone: event.zone ?? '',
          since: event.occurredAt,
          stored: false,
        });
    } else if (input.type === 'restore') {
      const of = input.restoreOf ?? null;
      for (const [key, trouble] of device.troubles) {
        const zoneMatches = event.zone === null || trouble.zone === event.zone;
        if (zoneMatches && (of === null || of === trouble.condition)) {
          device.troubles.delete(key);
          if (trouble.stored) device.removedTroubles.push(trouble);
        }
      }
    }
    this.setStatus(device, device.troubles.size > 0 ? 'trouble' : 'online', event.receivedAt);
  }

  private markOffline(device: DeviceState, event: Prepared): void {
    if (device.row.status === 'offline') return;
    this.setStatus(device, 'offline', event.occurredAt);
    if (!device.outage || device.outage.endedAt !== null) {
      const reason = event.input.details?.reason;
      device.outage = {
        id: newId(),
        startedAt: event.occurredAt,
        cause: typeof reason === 'string' ? reason.slice(0, 50) : event.input.source,
        stored: false,
        endedAt: null,
      };
    }
  }

  private setStatus(device: DeviceState, status: string, at: string): void {
    if (device.row.status === status) return;
    device.row.status = status;
    device.row.status_changed_at = at;
    device.dirty = true;
  }

  /** Marks the matching open alarms restored; answers the first one's id. */
  private restore(device: DeviceState, event: Prepared, of: EventType | null): string | null {
    let first: string | null = null;
    for (const alarm of this.alarms.values()) {
      const row = alarm.row;
      if (row.device_id !== device.row.id || row.state === 'resolved' || row.restored_at !== null) continue;
      if (of !== null && row.type !== of) continue;
      if (event.zone !== null && row.zone !== event.zone) continue;
      this.touchAlarm(alarm, { restored_at: event.occurredAt });
      first ??= row.id;
    }
    return first;
  }

  private touchAlarm(alarm: AlarmState, patch: Partial<MonitoringAlarmsTable>): void {
    Object.assign(alarm.row, patch);
    alarm.dirty = true;
    if (alarm.stored) this.updated.add(alarm.row.id);
  }

  private async raise(
    event: Prepared,
    spec: {
      foldKey: string;
      type: string;
      priority: number;
      foldSeconds: number;
      ruleId: string | null;
      siteId: string | null;
      deviceId: string | null;
      zone: string | null;
      code: string | null;
    },
  ): Promise<AlarmState> {
    const open = this.openByFold.get(spec.foldKey);
    if (open && event.occurredMs - Date.parse(open.row.last_at) <= open.row.fold_seconds * 1000) {
      // A flood: the same device, zone and type again within the window counts up the open alarm.
      this.touchAlarm(open, {
        count: open.row.count + 1,
        last_at: open.row.last_at < event.occurredAt ? event.occurredAt : open.row.last_at,
        restored_at: null,
        priority: Math.min(open.row.priority, spec.priority),
      });
      return open;
    }
    const sopKey = `${spec.type}|${spec.siteId ?? ''}`;
    let steps = this.sops.get(sopKey);
    if (!steps) {
      steps = await sopStepsFor(this.tx, spec.type, spec.siteId);
      this.sops.set(sopKey, steps);
    }
    const now = nowIso();
    const state: AlarmState = {
      row: {
        id: newId(),
        site_id: spec.siteId,
        device_id: spec.deviceId,
        type: spec.type,
        priority: spec.priority,
        state: 'active',
        first_at: event.occurredAt,
        last_at: event.occurredAt,
        count: 1,
        restored_at: null,
        zone: spec.zone,
        code: spec.code,
        fold_key: spec.foldKey,
        fold_seconds: spec.foldSeconds,
        rule_id: spec.ruleId,
        sop_steps: JSON.stringify(steps),
        claimed_by: null,
        claimed_at: null,
        acknowledged_by: null,
        acknowledged_at: null,
        resolved_by: null,
        resolved_at: null,
        disposition: null,
        false_alarm_cause: null,
        resolution_note: null,
        escalation_level: 0,
        escalated_at: null,
        created_at: now,
        updated_at: now,
        version: 1,
      },
      stored: false,
      dirty: true,
    };
    this.alarms.set(state.row.id, state);
    this.openByFold.set(spec.foldKey, state);
    this.raised.add(state.row.id);
    return state;
  }

  private async writeAlarms(): Promise<void> {
    const now = nowIso();
    const fresh: MonitoringAlarmsTable[] = [];
    const changed: MonitoringAlarmsTable[] = [];
    for (const alarm of this.alarms.values()) {
      if (!alarm.dirty) continue;
      (alarm.stored ? changed : fresh).push(alarm.row);
    }
    await updateAlarmsRuntime(this.tx, this.ctx.database.dialect, changed, now);
    await insertAlarms(this.tx, fresh);
  }

  private async writeDevices(): Promise<void> {
    const newTroubles = [];
    await updateDevicesRuntime(
      this.tx,
      this.ctx.database.dialect,
      [...this.devicesById.values()].filter((device) => device.dirty).map((device) => device.row),
    );
    for (const device of this.devicesById.values()) {
      const row = device.row;
      for (const trouble of device.removedTroubles)
        await deleteTrouble(this.tx, { device_id: row.id, condition: trouble.condition, zone: trouble.zone });
      for (const trouble of device.troubles.values())
        if (!trouble.stored)
          newTroubles.push({
            device_id: row.id,
            condition: trouble.condition,
            zone: trouble.zone,
            since: trouble.since,
          });
      const outage = device.outage;
      if (outage && !outage.stored)
        await insertOutage(this.tx, {
          id: outage.id,
          device_id: row.id,
          site_id: row.site_id,
          started_at: outage.startedAt,
          ended_at: outage.endedAt,
          cause: outage.cause,
        });
      else if (outage?.stored && outage.endedAt !== null)
        await closeOutage(this.tx, outage.id, outage.endedAt);
    }
    await insertTroubles(this.tx, newTroubles);
  }
}
