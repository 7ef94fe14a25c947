import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import { webhookSecretOf, type NotifyInput } from '../../platform/notifications/index.js';
import { createServer } from '../../server.js';
import { sealLegacyWebhookSecrets } from './service.js';
import {
  call,
  dialects,
  freshDatabaseEnv,
  makeUser,
  runDueJobs,
  sessionFor,
  startTestServer,
  type Credentials,
  type TestEnv,
} from '../../test/harness.js';

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/**
 * A webhook receiver on loopback that verifies signatures the way an integrator would: HMAC-SHA256
 * of the raw body with the secret it was given, compared in constant time. It answers 401 to a
 * bad signature and otherwise the next scripted status (200 by default).
 */
async function startReceiver() {
  const hits: Hit[] = [];
  const secrets = new Map<string, string>();
  const statuses: number[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (request.url ?? '').split('?')[0] ?? '';
      const secret = secrets.get(path) ?? '';
      const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const sent = String(request.headers['x-vigil-signature'] ?? '');
      const verified =
        sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
      hits.push({ path, headers: request.headers, body, verified });
      response.statusCode = verified ? (statuses.shift() ?? 200) : 401;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    secrets,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(dialects)('webhooks (%s)', (dialect) => {
  let t: TestEnv;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: Credentials;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer(dialect);
    admin = await sessionFor(t, await makeUser(t, 'admin'));
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(async () => {
    // Each test sees only its own webhooks and hits.
    await runDueJobs(t);
    await t.server.ctx.database.db.updateTable('webhooks').set({ active: 0 }).execute();
    receiver.hits.length = 0;
    receiver.statuses.length = 0;
  });

  const notify = (input: NotifyInput) =>
    t.server.ctx.database.transaction((tx) => t.server.ctx.notifier.notify(tx, input));
  const createHook = async (path: string, categories: string[]) => {
    const created = await call(t, 'POST', '/api/v1/webhooks', {
      as: admin,
      body: { name: `Hook ${path}`, url: `${receiver.base}${path}?token=abc`, categories },
    });
    expect(created.status).toBe(201);
    receiver.secrets.set(path, created.json.secret);
    return created.json;
  };

  it('creates a webhook with a server-made secret that is shown once', async () => {
    const created = await call(t, 'POST', '/api/v1/webhooks', {
      as: admin,
      body: {
        name: 'SIEM',
        url: `${receiver.base}/ingest/s3cr3t-path`,
        categories: ['sla', 'security', 'sla'],
        active: false,
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"v1"');
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.json).toMatchObject({
      name: 'SIEM',
      categories: ['security', 'sla'],
      active: false,
      version: 1,
    });

    const one = await call(t, 'GET', `/api/v1/webhooks/${created.json.id}`, { as: admin });
    expect(one.status).toBe(200);
    expect(one.json.secret).toBeUndefined();
    const list = await call(t, 'GET', '/api/v1/webhooks', { as: admin });
    expect(list.body).not.toContain(created.json.secret);

    const entry = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'webhook.created')
      .where('entity_id', '=', created.json.id)
      .executeTakeFirstOrThrow();
    expect(entry.changes).not.toContain(created.json.secret);
    expect(entry.changes).not.toContain('s3cr3t-path');
    expect(JSON.parse(entry.changes)).toMatchObject({ urlOrigin: receiver.base });
  });

  it('accepts only http and https URLs', async () => {
    for (const url of [
      'ftp://files.example.test/x',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'gopher://example.test',
      'not a url',
      'https://user:pass@example.test/hook',
    ]) {
      const response = await call(t, 'POST', '/api/v1/webhooks', {
        as: admin,
        body: { name: 'Bad', url, categories: ['system'] },
      });
      expect(response.status, url).toBe(400);
      expect(response.json.code).toBe('validation_failed');
    }
    const noCategory = await call(t, 'POST', '/api/v1/webhooks', {
      as: admin,
      body: { name: 'Empty', url: 'https://example.test', categories: [] },
    });
    expect(noCategory.status).toBe(400);
  });

  it('delivers a subscribed notification as a signed POST', async () => {
    const escalations = await createHook('/hooks/escalations', ['escalation']);
    await createHook('/hooks/sla-only', ['sla']);
    const ivan = await makeUser(t, 'manager');
    const result = await notify({
      userIds: [ivan.id],
      category: 'escalation',
      severity: 'critical',
      title: 'Panic alarm at lobby',
      body: 'Operator did not acknowledge within 2 minutes.',
      link: '/monitoring/alarms/1',
    });
    expect(result.webhookDeliveries).toBe(1);
    const pending = await call(t, 'GET', `/api/v1/webhooks/${escalations.id}/deliveries`, { as: admin });
    expect(pending.json.items).toHaveLength(1);
    expect(pending.json.items[0]).toMatchObject({ status: 'pending', attempts: 0 });

    await runDueJobs(t);
    expect(receiver.hits).toHaveLength(1);
    const hit = receiver.hits[0]!;
    expect(hit.path).toBe('/hooks/escalations');
    expect(hit.verified).toBe(true);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-vigil-event']).toBe('notification.escalation');
    expect(hit.headers['x-vigil-delivery']).toBe(pending.json.items[0].id);
    expect(Math.abs(Number(hit.headers['x-vigil-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(hit.body)).toMatchObject({
      id: result.eventId,
      event: 'notification.escalation',
      data: {
        category: 'escalation',
        severity: 'critical',
        title: 'Panic alarm at lobby',
        link: '/monitoring/alarms/1',
        recipients: [ivan.id],
      },
    });

    const delivered = await call(t, 'GET', `/api/v1/webhooks/${escalations.id}/deliveries`, { as: admin });
    expect(delivered.json.items[0]).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 200 });
    expect(delivered.json.items[0].deliveredAt).not.toBeNull();
  });

  it('names only recipients who allow it in webhook events', async () => {
    await createHook('/hooks/reminders', ['reminder']);
    const [open, shy] = [await makeUser(t, 'employee'), await makeUser(t, 'employee')];
    await call(t, 'PUT', '/api/v1/notifications/preferences', {
      as: await sessionFor(t, shy),
      body: { items: [{ category: 'reminder', inApp: true, email: false, webhook: false }] },
    });
    await notify({
      userIds: [open.id, shy.id],
      category: 'reminder',
      severity: 'info',
      title: 'Drill',
      body: '',
    });
    await runDueJobs(t);
    const hit = receiver.hits.find((h) => h.path === '/hooks/reminders');
    expect(JSON.parse(hit!.body).data.recipients).toEqual([open.id]);
  });

  it('retries a failed delivery with backoff, sending the same signed body', async () => {
    const hook = await createHook('/hooks/flaky', ['sla']);
    receiver.statuses.push(503);
    await notify({ userIds: [], category: 'sla', severity: 'warning', title: 'SLA at risk', body: 'Case 9' });
    await runDueJobs(t);
    let deliveries = await call(t, 'GET', `/api/v1/webhooks/${hook.id}/deliveries`, { as: admin });
    expect(deliveries.json.items[0]).toMatchObject({ status: 'retrying', attempts: 1, responseStatus: 503 });
    expect(deliveries.json.items[0].error).toContain('HTTP 503');
    const job = await t.server.ctx.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', 'webhook.deliver')
      .where('payload', 'like', `%${deliveries.json.items[0].id}%`)
      .executeTakeFirstOrThrow();
    expect(job.state).toBe('failed');
    const wait = Date.parse(job.run_at) - Date.now();
    expect(wait).toBeGreaterThan(5_000);
    expect(wait).toBeLessThanOrEqual(10_000);

    // Not before its time…
    await runDueJobs(t);
    expect(receiver.hits.filter((h) => h.path === '/hooks/flaky')).toHaveLength(1);
    // …and once the backoff has passed, delivered.
    await t.server.ctx.database.db
      .updateTable('jobs')
      .set({ run_at: new Date().toISOString() })
      .where('id', '=', job.id)
      .execute();
    await runDueJobs(t);
    const hits = receiver.hits.filter((h) => h.path === '/hooks/flaky');
    expect(hits).toHaveLength(2);
    expect(hits[1]!.body).toBe(hits[0]!.body);
    expect(hits[1]!.headers['x-vigil-delivery']).toBe(hits[0]!.headers['x-vigil-delivery']);
    expect(hits.every((h) => h.verified)).toBe(true);
    deliveries = await call(t, 'GET', `/api/v1/webhooks/${hook.id}/deliveries`, { as: admin });
    expect(deliveries.json.items[0]).toMatchObject({ status: 'succeeded', attempts: 2, responseStatus: 200 });
  });

  it('sends a signed test event on demand', async () => {
    const hook = await createHook('/hooks/test-me', ['system']);
    const sent = await call(t, 'POST', `/api/v1/webhooks/${hook.id}/test`, { as: admin });
    expect(sent.status).toBe(202);
    expect(sent.json).toMatchObject({ status: 'pending', event: 'webhook.test', webhookId: hook.id });
    await runDueJobs(t);
    const hit = receiver.hits.find((h) => h.path === '/hooks/test-me');
    expect(hit?.verified).toBe(true);
    expect(hit?.headers['x-vigil-event']).toBe('webhook.test');
    expect(hit?.headers['x-vigil-delivery']).toBe(sent.json.id);
    const audit = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', hook.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['webhook.created', 'webhook.test_sent']);
  });

  it('stores the signing secret sealed, bound to its webhook, and still signs with it', async () => {
    const hook = await createHook('/hooks/sealed', ['system']);
    const secret = receiver.secrets.get('/hooks/sealed') ?? '';
    const stored = await t.server.ctx.database.db
      .selectFrom('webhooks')
      .select('secret')
      .where('id', '=', hook.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(secret.slice(6));
    expect(webhookSecretOf(t.server.ctx.config.dataDir, hook.id, stored.secret)).toBe(secret);
    // Copied onto another webhook's row, the sealed value does not open.
    const other = await createHook('/hooks/other', ['system']);
    expect(webhookSecretOf(t.server.ctx.config.dataDir, other.id, stored.secret)).toBeNull();
    await call(t, 'POST', `/api/v1/webhooks/${hook.id}/test`, { as: admin });
    await runDueJobs(t);
    expect(receiver.hits.find((h) => h.path === '/hooks/sealed')?.verified).toBe(true);
  });

  it('seals a secret stored in clear by an older version, audited, and keeps signing with it', async () => {
    const hook = await createHook('/hooks/legacy', ['system']);
    const secret = receiver.secrets.get('/hooks/legacy') ?? '';
    const db = t.server.ctx.database.db;
    await db.updateTable('webhooks').set({ secret }).where('id', '=', hook.id).execute();
    // Still usable in clear, until sealed.
    await call(t, 'POST', `/api/v1/webhooks/${hook.id}/test`, { as: admin });
    await runDueJobs(t);
    expect(receiver.hits.find((h) => h.path === '/hooks/legacy')?.verified).toBe(true);

    expect(await sealLegacyWebhookSecrets(t.server.ctx)).toBeGreaterThanOrEqual(1);
    const stored = await db
      .selectFrom('webhooks')
      .select('secret')
      .where('id', '=', hook.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^v1\./);
    expect(await sealLegacyWebhookSecrets(t.server.ctx)).toBe(0);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'changes'])
      .where('entity_id', '=', hook.id)
      .where('action', '=', 'webhook.secret_sealed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.changes).not.toContain(secret);

    receiver.hits.length = 0;
    await call(t, 'POST', `/api/v1/webhooks/${hook.id}/test`, { as: admin });
    await runDueJobs(t);
    expect(receiver.hits.find((h) => h.path === '/hooks/legacy')?.verified).toBe(true);
  });

  it('updates with If-Match, pauses, and deletes (audited)', async () => {
    const hook = await createHook('/hooks/lifecycle', ['security']);
    const url = `/api/v1/webhooks/${hook.id}`;
    expect((await call(t, 'PATCH', url, { as: admin, body: { active: false } })).status).toBe(428);
    expect(
      (await call(t, 'PATCH', url, { as: admin, body: { active: false }, headers: { 'if-match': '"v9"' } }))
        .status,
    ).toBe(412);
    expect(
      (
        await call(t, 'PATCH', url, {
          as: admin,
          body: { url: 'ftp://x.test' },
          headers: { 'if-match': '"v1"' },
        })
      ).status,
    ).toBe(400);
    const paused = await call(t, 'PATCH', url, {
      as: admin,
      body: { active: false, name: 'Paused hook' },
      headers: { 'if-match': '"v1"' },
    });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ active: false, name: 'Paused hook', version: 2 });
    expect(paused.headers.etag).toBe('"v2"');

    const result = await notify({
      userIds: [],
      category: 'security',
      severity: 'critical',
      title: 'x',
      body: '',
    });
    expect(result.webhookDeliveries).toBe(0);
    expect((await call(t, 'POST', `${url}/test`, { as: admin })).status).toBe(409);

    expect((await call(t, 'DELETE', url, { as: admin })).status).toBe(204);
    expect((await call(t, 'GET', url, { as: admin })).status).toBe(404);
    expect((await call(t, 'GET', `${url}/deliveries`, { as: admin })).status).toBe(404);
    expect((await call(t, 'DELETE', url, { as: admin })).status).toBe(404);
    const actions = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', hook.id)
      .orderBy('seq')
      .execute();
    expect(actions.map((row) => row.action)).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.deleted',
    ]);
  });

  it('queues no mail when SMTP is not configured', async () => {
    const judy = await makeUser(t, 'manager');
    const result = await notify({
      userIds: [judy.id],
      category: 'escalation',
      severity: 'critical',
      title: 't',
      body: '',
    });
    expect(result.notificationIds).toHaveLength(1);
    expect(result.emailsQueued).toBe(0);
  });

  it('is for holders of webhooks:manage only', async () => {
    const manager = await sessionFor(t, await makeUser(t, 'manager'));
    expect((await call(t, 'GET', '/api/v1/webhooks', { as: manager })).status).toBe(403);
    const post = await call(t, 'POST', '/api/v1/webhooks', {
      as: manager,
      body: { name: 'x', url: 'https://example.test', categories: ['system'] },
    });
    expect(post.status).toBe(403);
  });
});

describe.each(dialects)('webhook secrets in logs (%s)', (dialect) => {
  it('never writes a webhook secret to the log, even at trace level', async () => {
    const receiver = await startReceiver();
    const { env, cleanup } = await freshDatabaseEnv(dialect);
    const log = new PassThrough();
    let logged = '';
    log.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    const server = await createServer(loadConfig(env), createLogger('trace', log));
    const t: TestEnv = {
      dialect,
      config: loadConfig(env),
      server,
      dataDir: '',
      close: () => Promise.resolve(),
    };
    try {
      const admin = await sessionFor(t, await makeUser(t, 'admin'));
      const created = await call(t, 'POST', '/api/v1/webhooks', {
        as: admin,
        body: { name: 'Logged?', url: `${receiver.base}/hooks/logs`, categories: ['system'] },
      });
      receiver.secrets.set('/hooks/logs', created.json.secret);
      receiver.statuses.push(500);
      await call(t, 'POST', `/api/v1/webhooks/${created.json.id}/test`, { as: admin });
      await server.ctx.jobs.runDueJobs();
      expect(logged).toContain('job failed; it will be retried');
      expect(logged).not.toContain(created.json.secret);
      expect(logged).not.toContain(created.json.secret.slice(6));
    } finally {
      await server.close();
      await cleanup();
      await receiver.close();
    }
  });
});
