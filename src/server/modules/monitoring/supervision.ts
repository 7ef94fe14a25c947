import type { IngestEventInput } from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { nowIso } from '../../platform/ids.js';
import { overdueDevices } from './devices.repository.js';
import { ingestEvents } from './ingest.js';

const SWEEP_LIMIT = 1000;

/**
 * The supervision sweep: every supervised device silent past its period (plus grace) becomes
 * offline and raises a communication-lost alarm. It goes through the ingestion pipeline as a
 * system event whose id is the device and the moment it became overdue, so two nodes sweeping at
 * once raise it once, and a device heard in the meantime is left alone. The scheduler calls this
 * every few seconds.
 */
export async function checkSupervision(
  ctx: AppContext,
  now: Date = new Date(),
): Promise<{ offline: number }> {
  let offline = 0;
  for (;;) {
    const overdue = await overdueDevices(ctx.database.db, nowIso(now), SWEEP_LIMIT);
    if (overdue.length === 0) break;
    const events: IngestEventInput[] = overdue.map((device) => ({
      source: 'system',
      sourceEventId: `supervision:${device.id}:${device.supervision_due_at ?? ''}`,
      deviceId: device.id,
      type: 'communication_lost',
      occurredAt: device.supervision_due_at,
      receivedAt: nowIso(now),
      details: {
        reason: 'supervision',
        lastSeenAt: device.last_seen_at,
        supervisionSeconds: device.supervision_seconds,
      },
    }));
    const result = await ingestEvents(ctx, events);
    offline += result.accepted;
    if (overdue.length < SWEEP_LIMIT || result.accepted === 0) break;
  }
  return { offline };
}
