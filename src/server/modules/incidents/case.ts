import type { Incident } from '../../../contracts/incidents.js';
import type { Principal } from '../../platform/access/principal.js';
import type { Actor, AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext, type Audit } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { nowIso } from '../../platform/ids.js';
import {
  appendTimeline,
  findIncident,
  findIncidentUnscoped,
  toIncident,
  type IncidentRow,
} from './repository.js';
import type { IncidentsTable } from './tables.js';

/** Everything a command on one case needs: the transaction, the case as read, and the journal. */
export interface CaseCommand {
  tx: Tx;
  incident: IncidentRow;
  actor: Actor;
  now: string;
  record: Audit;
  /** Writes a timeline entry and its audit entry (details withheld from the audit for confidential cases). */
  log: (kind: string, summary: string, data?: Record<string, unknown>) => Promise<void>;
}

/** What goes into the audit log about a case: for confidential cases, the field names only. */
export function auditChanges(incident: Pick<IncidentsTable, 'confidential'>, data: Record<string, unknown>) {
  return incident.confidential === 1 ? { confidential: true, fields: Object.keys(data) } : data;
}

/**
 * Runs a command on a case the principal may see (404 otherwise — an invisible case and a missing
 * one look alike), in one audited transaction.
 */
export function onCase<T>(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  fn: (command: CaseCommand) => Promise<T>,
): Promise<T> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const incident = await findIncident(tx, principal, id);
    if (!incident) throw notFound('Incident');
    const now = nowIso();
    const log = async (kind: string, summary: string, data: Record<string, unknown> = {}) => {
      await appendTimeline(tx, { incidentId: id, actor: audit.actor, kind, summary, data, at: now });
      await record({
        action: `incident.${kind}`,
        entityType: 'incident',
        entityId: id,
        siteId: incident.site_id,
        changes: auditChanges(incident, data),
      });
    };
    return fn({ tx, incident, actor: audit.actor, now, record, log });
  });
}

/** The case as the principal now sees it (after a command). */
export async function reload(tx: Tx, principal: Principal, id: string): Promise<Incident> {
  const row = (await findIncident(tx, principal, id)) ?? (await findIncidentUnscoped(tx, id));
  if (!row) throw notFound('Incident');
  return toIncident(row);
}
