import type { ServerResponse } from 'node:http';
import { alarmStreamMessageSchema } from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { ALARM_SUBJECT } from './live.js';

/*
 * The live alarm stream (server-sent events). One bus subscription per node fans out to the
 * node's connected operators, each filtered to the sites they may see (alarms of unregistered
 * devices have no site: all-site roles only). A client that cannot keep up is disconnected rather
 * than buffered without bound, so one slow browser never stalls the others; EventSource
 * reconnects and the page reloads the list.
 */

const HEARTBEAT_MS = 15_000;
// Streams end after this long so the browser reconnects and the session is checked again.
const MAX_STREAM_MS = 30 * 60_000;
const MAX_BUFFERED_BYTES = 1_048_576;

interface StreamClient {
  response: ServerResponse;
  sites: ReadonlySet<string> | null;
  close(): void;
}

/** Registers `GET /api/v1/alarms/stream` and its bus subscription. */
export function registerAlarmStream(app: ZodApp, ctx: AppContext): void {
  const clients = new Set<StreamClient>();
  const unsubscribe = ctx.bus?.subscribe(ALARM_SUBJECT, (message) => {
    const parsed = alarmStreamMessageSchema.safeParse(message);
    if (!parsed.success) return;
    const siteId = parsed.data.alarm.siteId;
    const frame = `event: alarm\ndata: ${JSON.stringify(parsed.data)}\n\n`;
    for (const client of clients) {
      const visible = client.sites === null || (siteId !== null && client.sites.has(siteId));
      if (!visible) continue;
      if (client.response.writableLength > MAX_BUFFERED_BYTES) {
        client.close();
        continue;
      }
      if (!client.response.writableEnded && !client.response.destroyed) client.response.write(frame);
    }
  });
  app.addHook('preClose', async () => {
    for (const client of clients) client.close();
    await Promise.resolve();
  });
  app.addHook('onClose', async () => {
    unsubscribe?.();
    await Promise.resolve();
  });

  app.get(
    '/api/v1/alarms/stream',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags: ['alarms'],
        summary: 'Live alarm changes (server-sent events, `Accept: text/event-stream`)',
        description:
          'Each change is an `alarm` event whose data is `{ "change": "raised" | "updated", "alarm": Alarm }`, limited to the sites you may see. Comments keep the connection alive; the stream ends after 30 minutes and EventSource reconnects.',
      },
    },
    async (request, reply) => {
      if (!(request.headers.accept ?? '').includes('text/event-stream'))
        throw new AppError(
          'bad_request',
          'This address streams server-sent events: send Accept: text/event-stream.',
        );
      const principal = principalOf(request);
      let sites: Set<string> | null = null;
      if (!principal.allSites) {
        const rows = await ctx.database.db
          .selectFrom('user_sites')
          .select('site_id')
          .where('user_id', '=', principal.userId)
          .execute();
        sites = new Set(rows.map((row) => row.site_id));
      }
      reply.hijack();
      const response = reply.raw;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(reply.getHeaders()))
        if (typeof value === 'string' || typeof value === 'number') headers[name] = String(value);
      response.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.write('retry: 3000\n: connected\n\n');
      const heartbeat = setInterval(() => {
        if (!response.writableEnded && !response.destroyed) response.write(': ping\n\n');
      }, HEARTBEAT_MS);
      const limit = setTimeout(() => client.close(), MAX_STREAM_MS);
      const client: StreamClient = {
        response,
        sites,
        close: () => {
          clearInterval(heartbeat);
          clearTimeout(limit);
          clients.delete(client);
          if (!response.writableEnded) response.end();
        },
      };
      clients.add(client);
      request.raw.on('close', () => client.close());
    },
  );
}
