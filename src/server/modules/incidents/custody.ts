import type { CustodyEntry } from '../../../contracts/incidents.js';
import type { Audit } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { nowIso } from '../../platform/ids.js';
import { auditChanges } from './case.js';
import { insertCustody, toCustodyEntry, zoneOfIncident, type CustodyInput } from './evidence.repository.js';
import type { IncidentsTable } from './tables.js';

/**
 * Appends an entry to an item's chain of custody, with its audit entry, in the caller's
 * transaction. The time is kept in UTC with the zone of the case's site, so the entry reads in
 * local time with its offset as well.
 */
export async function recordCustody(
  tx: Tx,
  record: Audit,
  incident: Pick<IncidentsTable, 'id' | 'site_id' | 'confidential'>,
  entry: Omit<CustodyInput, 'timeZone' | 'at'> & { at?: string },
): Promise<CustodyEntry> {
  const row = await insertCustody(tx, {
    ...entry,
    at: entry.at ?? nowIso(),
    timeZone: await zoneOfIncident(tx, incident.id),
  });
  await record({
    action: `evidence.${entry.action}`,
    entityType: 'evidence',
    entityId: entry.evidenceId,
    siteId: incident.site_id,
    changes: auditChanges(incident, {
      incidentId: incident.id,
      reason: entry.reason ?? null,
      ...(entry.to ? { to: entry.to } : {}),
      ...(entry.storageLocation ? { storageLocation: entry.storageLocation } : {}),
      ...(entry.details ?? {}),
    }),
  });
  return toCustodyEntry(row);
}
