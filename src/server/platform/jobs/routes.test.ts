import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  call,
  dialects,
  makeUser,
  runDueJobs,
  sessionFor,
  startTestServer,
  type Credentials,
  type TestEnv,
} from '../../test/harness.js';

describe.each(dialects)('job admin API (%s)', (dialect) => {
  let t: TestEnv;
  let admin: Credentials;
  let manager: Credentials;
  let failing = true;
  const ids: { ok: string[]; dead: string } = { ok: [], dead: '' };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    manager = await sessionFor(t, await makeUser(t, 'manager'));
    const { jobs } = t.server.ctx;
    jobs.register({ kind: 'test.fine', schema: z.object({ n: z.number() }), handler: async () => {} });
    jobs.register({
      kind: 'test.broken',
      schema: z.object({}),
      maxAttempts: 1,
      handler: () => (failing ? Promise.reject(new Error('the remote system is down')) : Promise.resolve()),
    });
    await t.server.ctx.database.transaction(async (tx) => {
      for (let n = 0; n < 3; n += 1)
        ids.ok.push((await jobs.enqueue(tx, { kind: 'test.fine', payload: { n } })).id);
      ids.dead = (await jobs.enqueue(tx, { kind: 'test.broken', payload: {} })).id;
    });
    await runDueJobs(t);
  });
  afterAll(() => t.close());

  it('lists jobs newest first with filters and cursor pages', async () => {
    const all = await call(t, 'GET', '/api/v1/jobs?kind=test.fine&limit=2', { as: admin });
    expect(all.status).toBe(200);
    expect(all.json.items.map((job: { id: string }) => job.id)).toEqual([ids.ok[2], ids.ok[1]]);
    expect(all.json.items[0]).toMatchObject({ kind: 'test.fine', state: 'succeeded', payload: { n: 2 } });
    const next = await call(t, 'GET', `/api/v1/jobs?kind=test.fine&limit=2&cursor=${all.json.nextCursor}`, {
      as: admin,
    });
    expect(next.json.items.map((job: { id: string }) => job.id)).toEqual([ids.ok[0]]);
    expect(next.json.nextCursor).toBeNull();
    const dead = await call(t, 'GET', '/api/v1/jobs?state=dead', { as: admin });
    expect(dead.json.items.map((job: { id: string }) => job.id)).toEqual([ids.dead]);
    expect((await call(t, 'GET', '/api/v1/jobs?state=exploded', { as: admin })).status).toBe(400);
  });

  it('shows one job with its last error', async () => {
    const job = await call(t, 'GET', `/api/v1/jobs/${ids.dead}`, { as: admin });
    expect(job.status).toBe(200);
    expect(job.json).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 1 });
    expect(job.json.lastError).toContain('the remote system is down');
    expect(
      (await call(t, 'GET', '/api/v1/jobs/01930000-0000-7000-8000-000000000000', { as: admin })).status,
    ).toBe(404);
  });

  it('retries a dead job (audited) and refuses to retry a succeeded one', async () => {
    const retried = await call(t, 'POST', `/api/v1/jobs/${ids.dead}/retry`, { as: admin });
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ state: 'queued', attempts: 0 });
    const audit = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'job.retried')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: 'job', entity_id: ids.dead });
    failing = false;
    await runDueJobs(t);
    expect((await call(t, 'GET', `/api/v1/jobs/${ids.dead}`, { as: admin })).json.state).toBe('succeeded');
    const again = await call(t, 'POST', `/api/v1/jobs/${ids.dead}/retry`, { as: admin });
    expect(again.status).toBe(409);
  });

  it('is for admins only', async () => {
    expect((await call(t, 'GET', '/api/v1/jobs', { as: manager })).status).toBe(403);
    expect((await call(t, 'POST', `/api/v1/jobs/${ids.dead}/retry`, { as: manager })).status).toBe(403);
  });
});
