import {
  ingestBody,
  ingestResponse,
  type HttpEvent,
  type IngestEventInput,
} from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { ingestEvents } from './ingest.js';

// A batch of 10,000 events of a few hundred bytes each: more than the default body limit.
const INGEST_BODY_LIMIT = 16 * 1_048_576;

/**
 * An HTTP event as the pipeline takes it. Its id is scoped by device (`id@device`) so two senders
 * numbering their events alike cannot collide; the sender's id comes first so sequential ids keep
 * the idempotency index appending rather than scattering.
 */
export function fromHttpEvent(event: HttpEvent, receivedAt: string): IngestEventInput {
  return {
    source: 'http',
    sourceEventId: `${event.id}@${event.externalId ?? `device:${event.deviceId ?? ''}`}`,
    deviceId: event.deviceId ?? null,
    externalId: event.externalId ?? null,
    type: event.type,
    restoreOf: event.restoreOf ?? null,
    rawCode: event.code ?? null,
    zone: event.zone ?? null,
    occurredAt: event.occurredAt,
    receivedAt,
    details: event.details ?? null,
  };
}

export function registerIngestRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/api/v1/ingest/events',
    {
      config: { access: 'ingest' },
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags: ['ingestion'],
        summary: 'Send device events (answered 202 only once they are durably stored)',
        description:
          'Each event names its device by `externalId` or `deviceId`. Its `id` makes retries idempotent: an event already stored is counted in `duplicates` and not stored again. Events for devices that are not registered (or not at your sites) are stored and raise an "unregistered device" alarm.',
        body: ingestBody,
        response: { 202: ingestResponse },
      },
    },
    async (request, reply) => {
      const receivedAt = new Date().toISOString();
      const result = await ingestEvents(
        ctx,
        request.body.events.map((event) => fromHttpEvent(event, receivedAt)),
        { scope: principalOf(request) },
      );
      void reply.status(202);
      return { accepted: result.accepted, duplicates: result.duplicates };
    },
  );
}
