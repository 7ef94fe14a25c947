import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { WebhookEvent } from '../../../contracts/notifications.js';
import { randomSecret } from '../auth/secrets.js';
import type { DatabaseHandle, Tx } from '../db/database.js';
import { newId, nowIso } from '../ids.js';
import type { JobQueue } from '../jobs/queue.js';
import { describeJobError } from '../jobs/queue.js';
import { isSealed, openSecret, sealSecret, type SealScope } from '../secrets/sealed.js';
import { deliveryWithWebhook, insertDelivery, updateDelivery } from './repository.js';

export const WEBHOOK_JOB = 'webhook.deliver';
const REQUEST_TIMEOUT_MS = 10_000;

/** A new webhook signing secret (256 random bits); the server makes it, the admin sees it once. */
export function newWebhookSecret(): string {
  return `whsec_${randomSecret(32)}`;
}

// Signing secrets are stored sealed under their own key-encryption key, bound to their webhook: a
// database dump must not let anyone sign requests that receivers would take for Vigil's.
const secretScope = (dataDir: string, webhookId: string): SealScope => ({
  dataDir,
  keyFile: 'webhook-secrets.key',
  boundTo: `webhook:${webhookId}`,
});

/** The stored form of a webhook's signing secret. */
export function sealWebhookSecret(dataDir: string, webhookId: string, secret: string): string {
  return sealSecret(secretScope(dataDir, webhookId), secret);
}

/**
 * A webhook's signing secret from its stored form; rows written before secrets were sealed hold it
 * in clear. Null when a sealed secret cannot be opened (another node's key file, tampering).
 */
export function webhookSecretOf(dataDir: string, webhookId: string, stored: string): string | null {
  return isSealed(stored) ? openSecret(secretScope(dataDir, webhookId), stored) : stored;
}

/** The x-vigil-signature value: `sha256=` and the hex HMAC-SHA256 of the raw body under the secret. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Only the origin of a webhook URL goes to logs and the audit trail: paths of chat webhooks are secrets. */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Records a delivery of an event to one webhook and enqueues its job, in the caller's transaction.
 * The body is fixed here, so every retry sends (and signs) the same bytes.
 */
export async function enqueueDelivery(
  tx: Tx,
  jobs: JobQueue,
  webhookId: string,
  event: WebhookEvent,
): Promise<string> {
  const now = nowIso();
  const id = newId();
  await insertDelivery(tx, {
    id,
    webhook_id: webhookId,
    event_id: event.id,
    event: event.event,
    payload: JSON.stringify(event),
    status: 'pending',
    attempts: 0,
    response_status: null,
    error: null,
    created_at: now,
    updated_at: now,
    delivered_at: null,
  });
  await jobs.enqueue(tx, { kind: WEBHOOK_JOB, payload: { deliveryId: id }, dedupeKey: `webhook:${id}` });
  return id;
}

/** Registers the job that POSTs one delivery; failures are retried by the queue with backoff. */
export function registerWebhookDelivery(jobs: JobQueue, database: DatabaseHandle, dataDir: string): void {
  jobs.register({
    kind: WEBHOOK_JOB,
    schema: z.object({ deliveryId: z.string() }),
    maxAttempts: 8,
    timeoutSeconds: 60,
    handler: async ({ deliveryId }, run) => {
      const delivery = await deliveryWithWebhook(database.db, deliveryId);
      // Deleted with its webhook, or already delivered by an earlier run: nothing to do.
      if (!delivery || delivery.status === 'succeeded') return;
      const now = () => nowIso();
      if (delivery.active !== 1) {
        await updateDelivery(database.db, deliveryId, { status: 'cancelled', updated_at: now() });
        return;
      }
      const lastAttempt = run.attempt >= run.maxAttempts;
      const failed = async (error: string, responseStatus: number | null) => {
        await updateDelivery(database.db, deliveryId, {
          status: lastAttempt ? 'failed' : 'retrying',
          attempts: run.attempt,
          response_status: responseStatus,
          error,
          updated_at: now(),
        });
        return new Error(error);
      };
      const secret = webhookSecretOf(dataDir, delivery.webhook_id, delivery.secret);
      if (secret === null)
        throw await failed(
          'the webhook’s signing secret cannot be opened: is keys/webhook-secrets.key the same on every node?',
          null,
        );
      let response: Response;
      try {
        response = await fetch(delivery.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Vigil-Webhooks/1',
            'x-vigil-signature': signWebhookBody(secret, delivery.payload),
            'x-vigil-timestamp': String(Math.floor(Date.now() / 1000)),
            'x-vigil-event': delivery.event,
            'x-vigil-delivery': delivery.id,
          },
          body: delivery.payload,
          // A redirect could carry the signed body somewhere the admin did not configure.
          redirect: 'manual',
          signal: AbortSignal.any([run.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
        });
        await response.body?.cancel();
      } catch (error) {
        throw await failed(`request failed: ${networkReason(error)}`, null);
      }
      if (response.status < 200 || response.status >= 300) {
        throw await failed(`the endpoint answered HTTP ${response.status}`, response.status);
      }
      await updateDelivery(database.db, deliveryId, {
        status: 'succeeded',
        attempts: run.attempt,
        response_status: response.status,
        error: null,
        updated_at: now(),
        delivered_at: now(),
      });
    },
  });
}

/** A short reason for a failed request (fetch hides the socket error in `cause`). */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) {
    const code = 'code' in error.cause && typeof error.cause.code === 'string' ? error.cause.code : null;
    return code ?? error.cause.message;
  }
  return describeJobError(error);
}
