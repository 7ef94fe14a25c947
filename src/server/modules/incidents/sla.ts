import { z } from 'zod';
import { calendarBody, severities, type CalendarInput, type Severity } from '../../../contracts/incidents.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import { addBusinessMinutes, hasOpeningHours, isValidZone, type BusinessCalendar } from './calendar.js';
import { appendTimeline } from './repository.js';
import type { BusinessCalendarsTable, IncidentsTable, IncidentSlaPoliciesTable } from './tables.js';

export interface SlaPolicy {
  triageMinutes: number;
  resolveMinutes: number;
  warnPercent: number;
  calendar: BusinessCalendar | null;
}

const storedHours = calendarBody.shape.hours;
const storedHolidays = z.array(z.string());

export function toCalendar(row: BusinessCalendarsTable) {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    hours: storedHours.catch([[], [], [], [], [], [], []]).parse(JSON.parse(row.hours)),
    holidays: storedHolidays.catch([]).parse(JSON.parse(row.holidays)),
    version: row.version,
  };
}

export function toSlaPolicy(row: IncidentSlaPoliciesTable) {
  return {
    severity: z.enum(severities).parse(row.severity),
    triageMinutes: row.triage_minutes,
    resolveMinutes: row.resolve_minutes,
    warnPercent: row.warn_percent,
    calendarId: row.calendar_id,
    version: row.version,
  };
}

/** The SLA of a severity with its calendar. */
export async function loadSlaPolicy(tx: Tx, severity: string): Promise<SlaPolicy> {
  const row = await tx
    .selectFrom('incident_sla_policies')
    .selectAll()
    .where('severity', '=', severity)
    .executeTakeFirst();
  if (!row) return { triageMinutes: 24 * 60, resolveMinutes: 30 * 24 * 60, warnPercent: 75, calendar: null };
  const calendar = row.calendar_id
    ? await tx
        .selectFrom('business_calendars')
        .selectAll()
        .where('id', '=', row.calendar_id)
        .executeTakeFirst()
    : undefined;
  return {
    triageMinutes: row.triage_minutes,
    resolveMinutes: row.resolve_minutes,
    warnPercent: row.warn_percent,
    calendar: calendar ? toCalendar(calendar) : null,
  };
}

/** Due and warning times of both clocks, counted in business time from when the case was reported. */
export function slaClocks(policy: SlaPolicy, reportedAt: string) {
  const start = new Date(reportedAt);
  const at = (minutes: number) => addBusinessMinutes(start, minutes, policy.calendar).toISOString();
  return {
    triage_due_at: at(policy.triageMinutes),
    triage_warn_at: at(Math.max(1, Math.floor((policy.triageMinutes * policy.warnPercent) / 100))),
    resolve_due_at: at(policy.resolveMinutes),
    resolve_warn_at: at(Math.max(1, Math.floor((policy.resolveMinutes * policy.warnPercent) / 100))),
  };
}

export interface SlaEvent {
  incidentId: string;
  reference: string;
  siteId: string | null;
  confidential: boolean;
  clock: 'triage' | 'resolve';
  event: 'warning' | 'breach';
  dueAt: string;
}

const SYSTEM: AuditContext = { actor: { type: 'system', id: null, label: 'SLA monitor' }, requestId: null };
const OPEN_FOR_TRIAGE = ['new'];
const OPEN_FOR_RESOLVE = ['new', 'triaged', 'investigating'];
const BATCH = 500;

/**
 * Raises SLA warnings and flags breaches that are due at `now`; every event is written on the
 * case's timeline and audited. Idempotent: a warning or breach is flagged once. Called by the
 * scheduled job `incidents.sla-check` (see jobs.ts); returns the events so the job can notify.
 */
export async function checkSlas(ctx: AppContext, now: Date = new Date()): Promise<SlaEvent[]> {
  const events: SlaEvent[] = [];
  for (const clock of ['triage', 'resolve'] as const) {
    for (;;) {
      const batch = await writeAudited(ctx.database, SYSTEM, async (tx, record) => {
        const found = await dueClocks(tx, clock, nowIso(now));
        for (const row of found) {
          const warnedColumn = clock === 'triage' ? 'triage_warned' : 'resolve_warned';
          const breachedColumn = clock === 'triage' ? 'triage_breached' : 'resolve_breached';
          const dueAt = (clock === 'triage' ? row.triage_due_at : row.resolve_due_at) ?? nowIso(now);
          const breach = Date.parse(dueAt) <= now.getTime();
          const event: SlaEvent = {
            incidentId: row.id,
            reference: row.reference,
            siteId: row.site_id,
            confidential: row.confidential === 1,
            clock,
            event: breach ? 'breach' : 'warning',
            dueAt,
          };
          await tx
            .updateTable('incidents')
            .set(breach ? { [warnedColumn]: 1, [breachedColumn]: 1 } : { [warnedColumn]: 1 })
            .where('id', '=', row.id)
            .execute();
          const summary = breach
            ? `The ${clock} SLA was breached (due ${dueAt}).`
            : `The ${clock} SLA is close to its due time (${dueAt}).`;
          await appendTimeline(tx, {
            incidentId: row.id,
            actor: SYSTEM.actor,
            kind: breach ? 'sla.breached' : 'sla.warning',
            summary,
            data: { clock, dueAt },
            at: nowIso(),
          });
          await record({
            action: breach ? 'incident.sla_breached' : 'incident.sla_warning',
            entityType: 'incident',
            entityId: row.id,
            siteId: row.site_id,
            changes: { clock, dueAt },
          });
          events.push(event);
        }
        return found.length;
      });
      if (batch < BATCH) break;
    }
  }
  return events;
}

/** Open cases of a clock whose warning time has passed and that still need a warning or a breach flag. */
async function dueClocks(tx: Tx, clock: 'triage' | 'resolve', now: string): Promise<IncidentsTable[]> {
  const statuses = clock === 'triage' ? OPEN_FOR_TRIAGE : OPEN_FOR_RESOLVE;
  const warnAt = clock === 'triage' ? 'triage_warn_at' : 'resolve_warn_at';
  const dueAt = clock === 'triage' ? 'triage_due_at' : 'resolve_due_at';
  const warned = clock === 'triage' ? 'triage_warned' : 'resolve_warned';
  const breached = clock === 'triage' ? 'triage_breached' : 'resolve_breached';
  return tx
    .selectFrom('incidents')
    .selectAll()
    .where('status', 'in', statuses)
    .where(warnAt, '<=', now)
    .where('merged_into', 'is', null)
    .where((eb) => eb.or([eb(warned, '=', 0), eb.and([eb(breached, '=', 0), eb(dueAt, '<=', now)])]))
    .orderBy(warnAt)
    .limit(BATCH)
    .execute();
}

// ---- configuration -------------------------------------------------------------------------------

function checkCalendar(input: CalendarInput): void {
  if (!isValidZone(input.timezone))
    throw new AppError('validation_failed', 'The time zone is not known.', [
      { path: 'timezone', message: 'must be an IANA time zone such as Europe/Paris' },
    ]);
  for (const [day, windows] of input.hours.entries()) {
    for (const window of windows) {
      if (window.end <= window.start)
        throw new AppError('validation_failed', 'An opening window must end after it starts.', [
          { path: `hours.${day}`, message: 'end before start' },
        ]);
    }
  }
  if (!hasOpeningHours(input))
    throw new AppError('validation_failed', 'A calendar needs at least one opening window.', [
      { path: 'hours', message: 'no opening hours' },
    ]);
}

export async function listCalendars(ctx: AppContext) {
  const rows = await ctx.database.db.selectFrom('business_calendars').selectAll().orderBy('name').execute();
  return rows.map(toCalendar);
}

/** Adds a business-hours calendar. */
export async function createCalendar(ctx: AppContext, audit: AuditContext, input: CalendarInput) {
  checkCalendar(input);
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const now = nowIso();
    const row: BusinessCalendarsTable = {
      id: newId(),
      name: input.name,
      timezone: input.timezone,
      hours: JSON.stringify(input.hours),
      holidays: JSON.stringify(input.holidays),
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('business_calendars').values(row).execute();
    await record({
      action: 'business_calendar.created',
      entityType: 'business_calendar',
      entityId: row.id,
      changes: { ...input },
    });
    return toCalendar(row);
  });
}

/** Replaces a calendar at the version the caller read. New cases use it; open clocks keep their due times. */
export async function replaceCalendar(
  ctx: AppContext,
  audit: AuditContext,
  id: string,
  version: number,
  input: CalendarInput,
) {
  checkCalendar(input);
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await tx
      .selectFrom('business_calendars')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw notFound('Calendar');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The calendar has changed since you read it; reload it.');
    const row = {
      ...current,
      name: input.name,
      timezone: input.timezone,
      hours: JSON.stringify(input.hours),
      holidays: JSON.stringify(input.holidays),
      updated_at: nowIso(),
      version: version + 1,
    };
    await tx.updateTable('business_calendars').set(row).where('id', '=', id).execute();
    await record({
      action: 'business_calendar.updated',
      entityType: 'business_calendar',
      entityId: id,
      changes: { ...input },
    });
    return toCalendar(row);
  });
}

export async function listSlaPolicies(ctx: AppContext) {
  const rows = await ctx.database.db.selectFrom('incident_sla_policies').selectAll().execute();
  return rows
    .map(toSlaPolicy)
    .sort((a, b) => severities.indexOf(a.severity) - severities.indexOf(b.severity));
}

/** Replaces the SLA of a severity at the version the caller read. */
export async function replaceSlaPolicy(
  ctx: AppContext,
  audit: AuditContext,
  severity: Severity,
  version: number,
  input: { triageMinutes: number; resolveMinutes: number; warnPercent: number; calendarId: string | null },
) {
  if (input.resolveMinutes < input.triageMinutes)
    throw new AppError(
      'validation_failed',
      'The time to resolve cannot be shorter than the time to triage.',
      [{ path: 'resolveMinutes', message: 'shorter than triageMinutes' }],
    );
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await tx
      .selectFrom('incident_sla_policies')
      .selectAll()
      .where('severity', '=', severity)
      .executeTakeFirst();
    if (!current) throw notFound('SLA policy');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The SLA has changed since you read it; reload it.');
    if (input.calendarId !== null) {
      const calendar = await tx
        .selectFrom('business_calendars')
        .select('id')
        .where('id', '=', input.calendarId)
        .executeTakeFirst();
      if (!calendar)
        throw new AppError('validation_failed', 'The calendar does not exist.', [
          { path: 'calendarId', message: 'unknown calendar' },
        ]);
    }
    const row: IncidentSlaPoliciesTable = {
      severity,
      triage_minutes: input.triageMinutes,
      resolve_minutes: input.resolveMinutes,
      warn_percent: input.warnPercent,
      calendar_id: input.calendarId,
      updated_at: nowIso(),
      version: version + 1,
    };
    await tx.updateTable('incident_sla_policies').set(row).where('severity', '=', severity).execute();
    await record({
      action: 'incident_sla.updated',
      entityType: 'incident_sla_policy',
      entityId: severity,
      changes: { ...input },
    });
    return toSlaPolicy(row);
  });
}
