import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  sessionFor,
  startTestServer,
  type Credentials,
  type TestEnv,
} from '../../../test/harness.js';
import { remindOverdueReviews } from './jobs.js';
import { expireAcceptances } from './service.js';

describe.each(dialects)('risk register (%s)', (dialect) => {
  let t: TestEnv;
  let admin: Credentials;
  let manager: Credentials;
  let siteA: { id: string; code: string };
  let siteB: { id: string; code: string };
  let ownerEmail: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    siteA = await makeSite(t, { name: 'Alpha', code: 'ALPHA' });
    siteB = await makeSite(t, { name: 'Bravo', code: 'BRAVO' });
    const adminUser = await makeUser(t, 'admin', [], { email: 'cso@example.test' });
    ownerEmail = adminUser.email;
    admin = await sessionFor(t, adminUser);
    manager = await sessionFor(t, await makeUser(t, 'manager', [siteA as never]));
  });
  afterAll(() => t.close());

  const createRisk = async (as: Credentials, body: Record<string, unknown>) => {
    const response = await call(t, 'POST', '/api/v1/risks', { as, body: { category: 'physical', ...body } });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    return response.json;
  };

  it('creates risks with references, assesses them and keeps the history', async () => {
    const risk = await createRisk(admin, {
      title: 'Tailgating at the loading dock',
      siteIds: [siteA.id],
      assets: ['Dock 3, north side'],
      tags: ['access'],
      threat: 'Intruder follows a delivery',
      vulnerability: 'Door held open',
    });
    expect(risk.reference).toMatch(/^R-\d{4}$/);
    expect(risk.status).toBe('identified');
    expect(risk.inherent).toBeNull();
    const inherent = await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
      as: admin,
      body: { kind: 'inherent', likelihood: 4, impact: 5, rationale: 'Two events last year' },
    });
    expect(inherent.status).toBe(201);
    expect(inherent.json).toMatchObject({ score: 20, level: 'Critical' });
    await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
      as: admin,
      body: { kind: 'residual', likelihood: 3, impact: 3 },
    });
    await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
      as: admin,
      body: { kind: 'residual', likelihood: 2, impact: 3 },
    });
    const current = await call(t, 'GET', `/api/v1/risks/${risk.id}`, { as: admin });
    expect(current.json.status).toBe('assessed');
    expect(current.json.inherent).toMatchObject({ likelihood: 4, impact: 5, score: 20 });
    expect(current.json.residual).toMatchObject({ likelihood: 2, impact: 3, score: 6, level: 'Medium' });
    expect(current.json.aboveAppetite).toBe(false);
    const history = await call(t, 'GET', `/api/v1/risks/${risk.id}/assessments`, { as: admin });
    expect(history.json.items.map((a: { score: number }) => a.score)).toEqual([6, 9, 20]);
    const tooBig = await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
      as: admin,
      body: { kind: 'residual', likelihood: 6, impact: 1 },
    });
    expect(tooBig.status).toBe(400);
  });

  it('flags risks above appetite and tolerance', async () => {
    const risk = await createRisk(admin, { title: 'Perimeter fence breach' });
    await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
      as: admin,
      body: { kind: 'residual', likelihood: 4, impact: 4 },
    });
    const current = await call(t, 'GET', `/api/v1/risks/${risk.id}`, { as: admin });
    expect(current.json.aboveAppetite).toBe(true);
    expect(current.json.aboveTolerance).toBe(true);
  });

  it('scopes the register by site in SQL', async () => {
    const atB = await createRisk(admin, { title: 'Bravo only', siteIds: [siteB.id] });
    const orgWide = await createRisk(admin, { title: 'Organization wide' });
    expect((await call(t, 'GET', `/api/v1/risks/${atB.id}`, { as: manager })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/risks/${atB.id}/assessments`, { as: manager })).status).toBe(404);
    expect(
      (
        await call(t, 'PATCH', `/api/v1/risks/${atB.id}`, {
          as: manager,
          body: { title: 'x' },
          headers: { 'if-match': '"v1"' },
        })
      ).status,
    ).toBe(404);
    const list = await call(t, 'GET', '/api/v1/risks?limit=500', { as: manager });
    const ids = list.json.items.map((r: { id: string }) => r.id);
    expect(ids).toContain(orgWide.id);
    expect(ids).not.toContain(atB.id);
    const csv = await t.server.app.inject({
      method: 'GET',
      url: '/api/v1/risks/export?format=csv',
      headers: manager.headers,
    });
    expect(csv.body).not.toContain('Bravo only');
    const heat = await call(t, 'GET', '/api/v1/risk/heatmap', { as: manager });
    const total =
      Number(heat.json.cells.flat().reduce((s: number, c: { count: number }) => s + c.count, 0)) +
      Number(heat.json.unrated);
    expect(total).toBe(list.json.items.filter((r: { status: string }) => r.status !== 'closed').length);
    // A manager cannot file a risk under a site they do not work at.
    const foreign = await call(t, 'POST', '/api/v1/risks', {
      as: manager,
      body: { title: 'x', category: 'cyber', siteIds: [siteB.id] },
    });
    expect(foreign.status).toBe(400);
  });

  it('updates with If-Match and records changed fields', async () => {
    const risk = await createRisk(manager, {
      title: 'Badge cloning',
      siteIds: [siteA.id],
      category: 'Insider abuse',
    });
    expect(risk.category).toBe('insider abuse');
    const updated = await call(t, 'PATCH', `/api/v1/risks/${risk.id}`, {
      as: manager,
      body: { title: 'Badge cloning (125 kHz)', tags: ['access', 'cards'] },
      headers: { 'if-match': '"v1"' },
    });
    expect(updated.status).toBe(200);
    expect(
      (
        await call(t, 'PATCH', `/api/v1/risks/${risk.id}`, {
          as: manager,
          body: { title: 'stale' },
          headers: { 'if-match': '"v1"' },
        })
      ).status,
    ).toBe(412);
    const audit = await call(t, 'GET', `/api/v1/audit?entityId=${risk.id}&action=risk.updated`, {
      as: admin,
    });
    expect(audit.json.items[0].changes.title).toEqual(['Badge cloning', 'Badge cloning (125 kHz)']);
  });

  it('runs treatments: acceptance needs an approver and expires back into review', async () => {
    const risk = await createRisk(admin, { title: 'Legacy CCTV without encryption', siteIds: [siteA.id] });
    const noExpiry = await call(t, 'POST', `/api/v1/risks/${risk.id}/treatments`, {
      as: manager,
      body: { strategy: 'accept' },
    });
    expect(noExpiry.status).toBe(400);
    expect(noExpiry.json.errors[0].path).toContain('expiresAt');
    const soon = new Date(Date.now() + 60_000).toISOString();
    const acceptance = await call(t, 'POST', `/api/v1/risks/${risk.id}/treatments`, {
      as: manager,
      body: { strategy: 'accept', description: 'Replace in next budget cycle', expiresAt: soon },
    });
    expect(acceptance.status).toBe(201);
    expect((await call(t, 'GET', `/api/v1/risks/${risk.id}`, { as: admin })).json.status).toBe('treating');
    // Managers may propose; only the CSO (risk:approve) approves.
    expect(
      (
        await call(t, 'POST', `/api/v1/risks/${risk.id}/treatments/${acceptance.json.id}/approve`, {
          as: manager,
        })
      ).status,
    ).toBe(403);
    const approved = await call(
      t,
      'POST',
      `/api/v1/risks/${risk.id}/treatments/${acceptance.json.id}/approve`,
      { as: admin },
    );
    expect(approved.json.status).toBe('approved');
    expect(approved.json.approverId).toBeTruthy();
    expect((await call(t, 'GET', `/api/v1/risks/${risk.id}`, { as: admin })).json.status).toBe('accepted');
    const expired = await expireAcceptances(t.server.ctx, new Date(Date.now() + 120_000));
    expect(expired).toBeGreaterThanOrEqual(1);
    const after = await call(t, 'GET', `/api/v1/risks/${risk.id}`, { as: admin });
    expect(after.json.status).toBe('assessed');
    expect(Date.parse(after.json.nextReviewAt)).toBeLessThanOrEqual(Date.now() + 120_000);
    const treatments = await call(t, 'GET', `/api/v1/risks/${risk.id}/treatments`, { as: admin });
    expect(treatments.json.items[0].status).toBe('expired');
  });

  it('tracks actions with owners, due dates and costs', async () => {
    const risk = await createRisk(admin, { title: 'Unlit car park' });
    const plan = await call(t, 'POST', `/api/v1/risks/${risk.id}/treatments`, {
      as: admin,
      body: { strategy: 'mitigate', description: 'Lighting and cameras' },
    });
    const first = await call(t, 'POST', `/api/v1/risks/${risk.id}/treatments/${plan.json.id}/actions`, {
      as: admin,
      body: { title: 'Install LED floodlights', cost: 18000, dueDate: '2027-03-31' },
    });
    await call(t, 'POST', `/api/v1/risks/${risk.id}/treatments/${plan.json.id}/actions`, {
      as: admin,
      body: { title: 'Add two cameras', cost: 6500.5 },
    });
    const done = await call(
      t,
      'PATCH',
      `/api/v1/risks/${risk.id}/treatments/${plan.json.id}/actions/${first.json.id}`,
      { as: admin, body: { status: 'done' }, headers: { 'if-match': '"v1"' } },
    );
    expect(done.json.completedAt).toBeTruthy();
    const treatments = await call(t, 'GET', `/api/v1/risks/${risk.id}/treatments`, { as: admin });
    expect(treatments.json.items[0].totalCost).toBeCloseTo(24500.5);
    expect(treatments.json.items[0].actions).toHaveLength(2);
  });

  it('configures matrices: sizes, bands, one default', async () => {
    const bad = await call(t, 'POST', '/api/v1/risk/matrices', {
      as: admin,
      body: {
        name: 'Bad',
        size: 3,
        likelihoodLabels: ['L', 'M'],
        impactLabels: ['L', 'M', 'H'],
        levels: [
          { name: 'Low', colour: '#00ff00', minScore: 1 },
          { name: 'High', colour: '#ff0000', minScore: 5 },
        ],
        appetiteScore: 3,
        toleranceScore: 6,
      },
    });
    expect(bad.status).toBe(400);
    const small = await call(t, 'POST', '/api/v1/risk/matrices', {
      as: admin,
      body: {
        name: 'Simple 3×3',
        size: 3,
        likelihoodLabels: ['Low', 'Medium', 'High'],
        impactLabels: ['Low', 'Medium', 'High'],
        levels: [
          { name: 'Low', colour: '#2f9e44', minScore: 1 },
          { name: 'Medium', colour: '#f08c00', minScore: 3 },
          { name: 'High', colour: '#c92a2a', minScore: 6 },
        ],
        appetiteScore: 3,
        toleranceScore: 6,
      },
    });
    expect(small.status).toBe(201);
    const risk = await createRisk(admin, { title: 'On the small matrix', matrixId: small.json.id });
    expect(
      (
        await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
          as: admin,
          body: { kind: 'inherent', likelihood: 4, impact: 1 },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
          as: admin,
          body: { kind: 'inherent', likelihood: 3, impact: 2 },
        })
      ).json.level,
    ).toBe('High');
    const resize = await call(t, 'PATCH', `/api/v1/risk/matrices/${small.json.id}`, {
      as: admin,
      body: { size: 4, likelihoodLabels: ['a', 'b', 'c', 'd'], impactLabels: ['a', 'b', 'c', 'd'] },
      headers: { 'if-match': '"v1"' },
    });
    expect(resize.status).toBe(409);
    expect((await call(t, 'POST', '/api/v1/risk/matrices', { as: manager, body: {} })).status).toBe(403);
    const matrices = await call(t, 'GET', '/api/v1/risk/matrices', { as: manager });
    expect(matrices.json.items.filter((m: { isDefault: boolean }) => m.isDefault)).toHaveLength(1);
  });

  it('shows a heat map whose cells open the matching risks', async () => {
    const risk = await createRisk(admin, { title: 'Heat cell risk' });
    await call(t, 'POST', `/api/v1/risks/${risk.id}/assessments`, {
      as: admin,
      body: { kind: 'residual', likelihood: 5, impact: 1 },
    });
    const heat = await call(t, 'GET', '/api/v1/risk/heatmap?rating=residual', { as: admin });
    const cell = heat.json.cells[4][0];
    expect(cell).toMatchObject({ likelihood: 5, impact: 1, score: 5 });
    expect(cell.count).toBeGreaterThanOrEqual(1);
    const inCell = await call(t, 'GET', '/api/v1/risks?likelihood=5&impact=1&rating=residual', { as: admin });
    expect(inCell.json.items.map((r: { id: string }) => r.id)).toContain(risk.id);
    expect(inCell.json.items).toHaveLength(cell.count);
  });

  it('lists overdue reviews and records reviews', async () => {
    const risk = await createRisk(admin, { title: 'Overdue review', reviewEveryDays: 30 });
    await t.server.ctx.database.db
      .updateTable('risks')
      .set({ next_review_at: new Date(Date.now() - 86_400_000).toISOString() })
      .where('id', '=', risk.id)
      .execute();
    const overdue = await call(t, 'GET', '/api/v1/risks?overdue=true&limit=500', { as: admin });
    expect(await remindOverdueReviews(t.server.ctx)).toBeGreaterThanOrEqual(1);
    const inbox = await call(t, 'GET', '/api/v1/notifications?unread=true', { as: admin });
    expect(
      inbox.json.items.some(
        (n: { title: string; link: string }) =>
          n.title.includes(risk.reference) && n.link === `/risk/${risk.id}`,
      ),
    ).toBe(true);
    expect(overdue.json.items.find((r: { id: string }) => r.id === risk.id)?.reviewOverdue).toBe(true);
    const reviewed = await call(t, 'POST', `/api/v1/risks/${risk.id}/review`, {
      as: admin,
      body: { note: 'Still valid' },
    });
    expect(reviewed.json.reviewOverdue).toBe(false);
    expect(reviewed.json.lastReviewedAt).toBeTruthy();
  });

  it('saves views per user', async () => {
    const saved = await call(t, 'POST', '/api/v1/risk/views', {
      as: manager,
      body: { name: 'My physical', filters: { category: 'physical' } },
    });
    expect(saved.status).toBe(201);
    expect((await call(t, 'GET', '/api/v1/risk/views', { as: manager })).json.items).toHaveLength(1);
    expect((await call(t, 'GET', '/api/v1/risk/views', { as: admin })).json.items).toHaveLength(0);
    expect((await call(t, 'DELETE', `/api/v1/risk/views/${saved.json.id}`, { as: admin })).status).toBe(404);
    expect((await call(t, 'DELETE', `/api/v1/risk/views/${saved.json.id}`, { as: manager })).status).toBe(
      200,
    );
  });

  describe('import and export', () => {
    const strip = (risks: Record<string, unknown>[]) =>
      risks
        .map(({ updatedAt: _u, createdAt: _c, version: _v, ...rest }) => rest)
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));

    async function copyTarget(): Promise<TestEnv & { admin: Credentials }> {
      const target = await startTestServer(dialect);
      await makeSite(target, { name: 'Alpha', code: 'ALPHA' });
      await makeSite(target, { name: 'Bravo', code: 'BRAVO' });
      const targetAdmin = await sessionFor(
        target,
        await makeUser(target, 'admin', [], { email: ownerEmail }),
      );
      // Matrices are configuration, not register rows: the target is configured like the source.
      const matrices = (await call(t, 'GET', '/api/v1/risk/matrices', { as: admin })).json.items;
      for (const { id: _id, createdAt: _c, updatedAt: _u, version: _v, ...matrix } of matrices.filter(
        (m: { isDefault: boolean }) => !m.isDefault,
      )) {
        expect(
          (await call(target, 'POST', '/api/v1/risk/matrices', { as: targetAdmin, body: matrix })).status,
        ).toBe(201);
      }
      return Object.assign(target, { admin: targetAdmin });
    }

    it.each(['csv', 'xlsx'] as const)('round-trips the register through %s without loss', async (format) => {
      const rich = await createRisk(admin, {
        title: 'Round, trip; "quoted"',
        description: 'Line one\nLine two, with commas; and semicolons',
        siteIds: [siteA.id, siteB.id],
        assets: ['Server room; rack 4', 'Lobby, east'],
        tags: ['a', 'b c'],
        ownerId: (await call(t, 'GET', '/api/v1/me', { as: admin })).json.id,
        category: 'data centre',
      });
      await call(t, 'POST', `/api/v1/risks/${rich.id}/assessments`, {
        as: admin,
        body: { kind: 'inherent', likelihood: 3, impact: 4 },
      });
      const exported = await t.server.app.inject({
        method: 'GET',
        url: `/api/v1/risks/export?format=${format}`,
        headers: admin.headers,
      });
      expect(exported.statusCode).toBe(200);
      const target = await copyTarget();
      try {
        const contentType =
          format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        const imported = await target.server.app.inject({
          method: 'POST',
          url: '/api/v1/risks/import',
          headers: { ...target.admin.headers, 'content-type': contentType },
          payload: exported.rawPayload,
        });
        expect(imported.statusCode, imported.body).toBe(200);
        const source = await call(t, 'GET', '/api/v1/risks?limit=500', { as: admin });
        expect(imported.json().created).toBe(source.json.items.length);
        const copied = await call(target, 'GET', '/api/v1/risks?limit=500', { as: target.admin });
        // Site ids and owner ids differ between installations; compare through codes and emails.
        const normalise = async (env: TestEnv, creds: Credentials, risks: Record<string, unknown>[]) => {
          const sites = (await call(env, 'GET', '/api/v1/sites', { as: creds })).json.items as {
            id: string;
            code: string;
          }[];
          const users = (await call(env, 'GET', '/api/v1/users?limit=500', { as: creds })).json.items as {
            id: string;
            email: string;
          }[];
          return strip(risks).map((r) => ({
            ...r,
            siteIds: (r.siteIds as string[]).map((id) => sites.find((s) => s.id === id)?.code).sort(),
            ownerId: users.find((u) => u.id === r.ownerId)?.email ?? null,
            matrixId: null,
          }));
        };
        expect(await normalise(target, target.admin, copied.json.items)).toEqual(
          await normalise(t, admin, source.json.items),
        );
        // Re-importing the same file updates in place and creates nothing.
        const again = await target.server.app.inject({
          method: 'POST',
          url: '/api/v1/risks/import',
          headers: { ...target.admin.headers, 'content-type': contentType },
          payload: exported.rawPayload,
        });
        expect(again.json()).toEqual({ created: 0, updated: source.json.items.length });
      } finally {
        await target.close();
      }
    });

    it('rejects a bad file row by row and imports nothing', async () => {
      const before = (await call(t, 'GET', '/api/v1/risks?limit=500', { as: admin })).json.items.length;
      const header =
        'id,reference,title,description,category,status,sites,owner,threat,vulnerability,assets,tags,reviewEveryDays,lastReviewedAt,nextReviewAt,matrix,inherentLikelihood,inherentImpact,inherentAssessedAt,residualLikelihood,residualImpact,residualAssessedAt';
      const csv = [
        header,
        ',,Good row,,physical,identified,ALPHA,,,,,,90,,,,,,,,,',
        ',,,,physical,identified,,,,,,,90,,,,,,,,,',
        ',,Bad site,,physical,identified,NOWHERE,,,,,,90,,,,,,,,,',
        ',,Bad rating,,cyber,unknown,,,,,,,0,,,,9,,,,,',
      ].join('\n');
      const response = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/risks/import',
        headers: { ...admin.headers, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(response.statusCode).toBe(400);
      const paths = response.json().errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'rows[3].title',
          'rows[4].sites',
          'rows[5].status',
          'rows[5].reviewEveryDays',
          'rows[5].inherentLikelihood',
        ]),
      );
      expect((await call(t, 'GET', '/api/v1/risks?limit=500', { as: admin })).json.items.length).toBe(before);
    });

    it('exports a real XLSX workbook', async () => {
      const exported = await t.server.app.inject({
        method: 'GET',
        url: '/api/v1/risks/export?format=xlsx',
        headers: admin.headers,
      });
      expect(exported.headers['content-disposition']).toMatch(/risk-register-.*\.xlsx/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(exported.rawPayload as unknown as ExcelJS.Buffer);
      expect(workbook.worksheets[0]?.getRow(1).getCell(3).value).toBe('title');
    });
  });
});
