import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyInput } from '../../platform/notifications/index.js';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  runDueJobs,
  sessionFor,
  startTestServer,
  type TestEnv,
} from '../../test/harness.js';

interface Received {
  from: string | null;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives, and can refuse recipients. */
async function startSmtp() {
  const received: Received[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(state.refuse ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : null);
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : null,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The text body of a raw message, quoted-printable decoded. */
function textOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe.each(dialects)('notifications (%s)', (dialect) => {
  let t: TestEnv;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestServer(dialect, {
      VIGIL_SMTP_URL: smtp.url,
      VIGIL_SMTP_FROM: 'Vigil Alerts <alerts@vigil.example.test>',
      VIGIL_PUBLIC_URL: 'https://vigil.example.test',
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(async () => {
    // Each test starts with an empty outbox: mail queued by earlier tests is sent and forgotten.
    smtp.state.refuse = false;
    await runDueJobs(t);
    smtp.received.length = 0;
  });

  const notify = (input: NotifyInput) =>
    t.server.ctx.database.transaction((tx) => t.server.ctx.notifier.notify(tx, input));
  const audits = (action: string) =>
    t.server.ctx.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  it('puts a notification in the named user’s inbox, and only theirs', async () => {
    const alice = await makeUser(t, 'employee');
    const bob = await makeUser(t, 'employee');
    const [asAlice, asBob] = [await sessionFor(t, alice), await sessionFor(t, bob)];
    const result = await notify({
      userIds: [alice.id],
      category: 'reminder',
      severity: 'info',
      title: 'Fire safety training is due',
      body: 'Complete it by Friday.',
      link: '/training',
    });
    expect(result.notificationIds).toHaveLength(1);

    const inbox = await call(t, 'GET', '/api/v1/notifications', { as: asAlice });
    expect(inbox.status).toBe(200);
    expect(inbox.json.items).toHaveLength(1);
    expect(inbox.json.items[0]).toMatchObject({
      category: 'reminder',
      title: 'Fire safety training is due',
      link: '/training',
      readAt: null,
    });
    const id = inbox.json.items[0].id;
    expect((await call(t, 'GET', '/api/v1/notifications/unread-count', { as: asAlice })).json).toEqual({
      count: 1,
    });
    expect((await call(t, 'GET', '/api/v1/notifications', { as: asBob })).json.items).toEqual([]);
    expect((await call(t, 'GET', '/api/v1/notifications/unread-count', { as: asBob })).json).toEqual({
      count: 0,
    });

    // Another user's notification does not exist for Bob.
    expect((await call(t, 'POST', `/api/v1/notifications/${id}/read`, { as: asBob })).status).toBe(404);

    const read = await call(t, 'POST', `/api/v1/notifications/${id}/read`, { as: asAlice });
    expect(read.status).toBe(200);
    expect(read.json.readAt).not.toBeNull();
    expect((await call(t, 'GET', '/api/v1/notifications/unread-count', { as: asAlice })).json).toEqual({
      count: 0,
    });
    expect((await call(t, 'GET', '/api/v1/notifications?unread=true', { as: asAlice })).json.items).toEqual(
      [],
    );
    expect(
      (await call(t, 'GET', '/api/v1/notifications?unread=false', { as: asAlice })).json.items,
    ).toHaveLength(1);
    expect((await audits('notification.read')).map((entry) => entry.entity_id)).toContain(id);
  });

  it('pages the inbox and marks everything read at once', async () => {
    const carol = await makeUser(t, 'officer');
    const asCarol = await sessionFor(t, carol);
    for (let n = 1; n <= 3; n += 1) {
      await notify({
        userIds: [carol.id],
        category: 'system',
        severity: 'info',
        title: `Note ${n}`,
        body: '',
      });
    }
    const first = await call(t, 'GET', '/api/v1/notifications?limit=2', { as: asCarol });
    expect(first.json.items.map((n: { title: string }) => n.title)).toEqual(['Note 3', 'Note 2']);
    const second = await call(t, 'GET', `/api/v1/notifications?limit=2&cursor=${first.json.nextCursor}`, {
      as: asCarol,
    });
    expect(second.json.items.map((n: { title: string }) => n.title)).toEqual(['Note 1']);
    expect(second.json.nextCursor).toBeNull();

    const all = await call(t, 'POST', '/api/v1/notifications/read-all', { as: asCarol });
    expect(all.json).toEqual({ marked: 3 });
    expect((await call(t, 'GET', '/api/v1/notifications/unread-count', { as: asCarol })).json.count).toBe(0);
    const entry = (await audits('notification.read_all')).find((row) => row.entity_id === carol.id);
    expect(JSON.parse(entry!.changes)).toEqual({ marked: 3 });
  });

  it('reaches a role at a site: that site’s users, all-site roles, never disabled users', async () => {
    const [north, south] = [await makeSite(t), await makeSite(t)];
    const northManager = await makeUser(t, 'manager', [north]);
    const southManager = await makeUser(t, 'manager', [south]);
    const leftManager = await makeUser(t, 'manager', [north]);
    await t.server.ctx.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', leftManager.id)
      .execute();
    const admin = await makeUser(t, 'admin');

    const toManagers = await notify({
      role: 'manager',
      siteId: north.id,
      category: 'escalation',
      severity: 'warning',
      title: 'Alarm unacknowledged for 10 minutes',
      body: 'North gate',
    });
    const owners = await t.server.ctx.database.db
      .selectFrom('notifications')
      .select(['user_id', 'site_id'])
      .where('id', 'in', toManagers.notificationIds)
      .execute();
    expect(owners).toEqual([{ user_id: northManager.id, site_id: north.id }]);
    expect(southManager.id).not.toBe(northManager.id);

    const toAdmins = await notify({
      role: 'admin',
      siteId: south.id,
      category: 'security',
      severity: 'critical',
      title: 'Tamper alarm',
      body: 'South fence',
    });
    const adminRows = await t.server.ctx.database.db
      .selectFrom('notifications')
      .select('user_id')
      .where('id', 'in', toAdmins.notificationIds)
      .execute();
    expect(adminRows.map((row) => row.user_id)).toContain(admin.id);
  });

  it('cuts long text to fit and refuses links that are not app paths or http(s)', async () => {
    const kim = await makeUser(t, 'employee');
    const result = await notify({
      userIds: [kim.id],
      category: 'system',
      severity: 'info',
      title: `Long\n${'x'.repeat(300)}`,
      body: 'y'.repeat(20_000),
    });
    const row = await t.server.ctx.database.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', result.notificationIds[0]!)
      .executeTakeFirstOrThrow();
    expect(row.title).toHaveLength(200);
    expect(row.title.startsWith('Long x')).toBe(true);
    expect(row.body).toHaveLength(10_000);
    for (const link of ['javascript:alert(1)', '//evil.example.test/x', 'data:text/html,hi']) {
      await expect(
        notify({ userIds: [kim.id], category: 'system', severity: 'info', title: 't', body: '', link }),
      ).rejects.toThrow();
    }
  });

  it('commits or rolls back with the business write that caused it', async () => {
    const dave = await makeUser(t, 'employee');
    await expect(
      t.server.ctx.database.transaction(async (tx) => {
        await t.server.ctx.notifier.notify(tx, {
          userIds: [dave.id],
          category: 'escalation',
          severity: 'critical',
          title: 'Never happened',
          body: '',
        });
        throw new Error('the incident could not be saved');
      }),
    ).rejects.toThrow();
    const rows = await t.server.ctx.database.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', dave.id)
      .execute();
    expect(rows).toEqual([]);
    const mails = await t.server.ctx.database.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'notification.email')
      .where('payload', 'like', '%Never%')
      .execute();
    expect(mails).toEqual([]);
  });

  it('keeps preferences per user, audits changes, and applies them', async () => {
    const erin = await makeUser(t, 'hr');
    const frank = await makeUser(t, 'hr');
    const asErin = await sessionFor(t, erin);
    const defaults = await call(t, 'GET', '/api/v1/notifications/preferences', { as: asErin });
    expect(defaults.status).toBe(200);
    expect(defaults.json.items).toHaveLength(5);
    expect(defaults.json.items.find((p: { category: string }) => p.category === 'reminder')).toEqual({
      category: 'reminder',
      inApp: true,
      email: false,
      webhook: true,
    });

    const put = await call(t, 'PUT', '/api/v1/notifications/preferences', {
      as: asErin,
      body: { items: [{ category: 'reminder', inApp: false, email: true, webhook: false }] },
    });
    expect(put.status).toBe(200);
    expect(put.json.items.find((p: { category: string }) => p.category === 'reminder')).toMatchObject({
      inApp: false,
      email: true,
    });
    const frankPrefs = await call(t, 'GET', '/api/v1/notifications/preferences', {
      as: await sessionFor(t, frank),
    });
    expect(frankPrefs.json).toEqual(defaults.json);
    const entry = (await audits('notification.preferences_updated')).find((row) => row.entity_id === erin.id);
    expect(JSON.parse(entry!.changes)).toEqual({
      reminder: [
        { inApp: true, email: false, webhook: true },
        { inApp: false, email: true, webhook: false },
      ],
    });

    const bad = await call(t, 'PUT', '/api/v1/notifications/preferences', {
      as: asErin,
      body: { items: [{ category: 'gossip', inApp: true, email: true, webhook: true }] },
    });
    expect(bad.status).toBe(400);
    const twice = await call(t, 'PUT', '/api/v1/notifications/preferences', {
      as: asErin,
      body: {
        items: [
          { category: 'sla', inApp: true, email: true, webhook: true },
          { category: 'sla', inApp: false, email: true, webhook: true },
        ],
      },
    });
    expect(twice.status).toBe(400);

    // Reminders now skip Erin's inbox but reach her mailbox.
    await notify({
      userIds: [erin.id],
      category: 'reminder',
      severity: 'info',
      title: 'Policy review',
      body: 'x',
    });
    expect((await call(t, 'GET', '/api/v1/notifications', { as: asErin })).json.items).toEqual([]);
    await runDueJobs(t);
    expect(smtp.received.map((mail) => mail.to)).toEqual([[erin.email]]);
  });

  it('mails over SMTP with an absolute link, exactly once', async () => {
    const gina = await makeUser(t, 'investigator', [], { email: 'gina@example.test' });
    await notify({
      userIds: [gina.id],
      category: 'escalation',
      severity: 'critical',
      title: 'Case 2024-17 breached its SLA',
      body: 'The investigation has had no update for 72 hours.',
      link: '/incidents/2024-17',
    });
    expect(smtp.received).toEqual([]);
    await runDueJobs(t);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('alerts@vigil.example.test');
    expect(mail.to).toEqual(['gina@example.test']);
    expect(mail.raw).toContain('Subject: [Vigil] CRITICAL: Case 2024-17 breached its SLA');
    const text = textOf(mail.raw);
    expect(text).toContain('The investigation has had no update for 72 hours.');
    expect(text).toContain('Open in Vigil: https://vigil.example.test/incidents/2024-17');
    expect(text).toContain('https://vigil.example.test/settings/notifications');

    const row = await t.server.ctx.database.db
      .selectFrom('notifications')
      .select('emailed_at')
      .where('user_id', '=', gina.id)
      .executeTakeFirstOrThrow();
    expect(row.emailed_at).not.toBeNull();
    await runDueJobs(t);
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a mail the SMTP server refused, and delivers it later', async () => {
    const hank = await makeUser(t, 'manager', [], { email: 'hank@example.test' });
    smtp.state.refuse = true;
    await notify({
      userIds: [hank.id],
      category: 'sla',
      severity: 'warning',
      title: 'SLA at risk',
      body: 'b',
    });
    await runDueJobs(t);
    expect(smtp.received).toEqual([]);
    const failed = await t.server.ctx.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', 'notification.email')
      .where('state', '=', 'failed')
      .execute();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.last_error).toMatch(/550|mailbox unavailable/);
    expect(Date.parse(failed[0]!.run_at)).toBeGreaterThan(Date.now());

    smtp.state.refuse = false;
    // The backoff has passed.
    await t.server.ctx.database.db
      .updateTable('jobs')
      .set({ run_at: new Date().toISOString() })
      .where('id', '=', failed[0]!.id)
      .execute();
    await runDueJobs(t);
    expect(smtp.received.map((mail) => mail.to)).toEqual([['hank@example.test']]);
  });
});
