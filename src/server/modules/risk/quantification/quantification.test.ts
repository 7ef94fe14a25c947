import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exceedanceAt, PORTFOLIO_ITERATIONS } from '../../../../contracts/risk.js';
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
import { parseSimulationRequest, simulate } from '../index.js';
import { PORTFOLIO_SEED } from './service.js';

/** A scenario whose annual loss is exactly frequency × magnitude every year ("product", constants). */
const constant = (frequency: number, magnitude: number) => ({
  frequency: { type: 'constant', value: frequency },
  magnitude: { type: 'constant', value: magnitude },
  aggregation: 'product',
});

const uncertain = {
  frequency: { type: 'pert', min: 0.5, mode: 2, max: 6 },
  magnitude: { type: 'lognormal', low: 1e3, high: 1e5 },
};

/** The events of a text/event-stream body. */
function parseEvents(body: string): { event: string; data: any }[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}

describe.each(dialects)('risk quantifications (%s)', (dialect) => {
  let t: TestEnv;
  let admin: Credentials;
  let manager: Credentials;
  let auditor: Credentials;
  let employee: Credentials;
  let siteA: { id: string };
  let siteB: { id: string };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    siteA = await makeSite(t, { code: 'QA' });
    siteB = await makeSite(t, { code: 'QB' });
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    manager = await sessionFor(t, await makeUser(t, 'manager', [siteA as never]));
    auditor = await sessionFor(t, await makeUser(t, 'auditor'));
    employee = await sessionFor(t, await makeUser(t, 'employee', [siteA as never]));
  });
  afterAll(() => t.close());

  const createRisk = async (body: Record<string, unknown> = {}) => {
    const response = await call(t, 'POST', '/api/v1/risks', {
      as: admin,
      body: { title: 'Cargo theft', category: 'physical', ...body },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    return response.json as { id: string; reference: string };
  };
  const quantify = async (riskId: string, body: Record<string, unknown>, as = admin) =>
    call(t, 'POST', `/api/v1/risks/${riskId}/quantifications`, { as, body });

  it('refuses anonymous callers, roles without risk:write, bad inputs and risks out of scope', async () => {
    const risk = await createRisk();
    const hidden = await createRisk({ siteIds: [siteB.id] });
    const body = { label: 'current', scenario: uncertain, iterations: 1000 };
    expect((await call(t, 'POST', `/api/v1/risks/${risk.id}/quantifications`, { body })).status).toBe(401);
    expect((await quantify(risk.id, body, auditor)).status).toBe(403);
    expect((await call(t, 'GET', `/api/v1/risks/${risk.id}/what-if`, { as: employee })).status).toBe(403);
    expect((await quantify(hidden.id, body, manager)).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/risks/${hidden.id}/quantifications`, { as: manager })).status).toBe(
      404,
    );
    expect((await call(t, 'GET', `/api/v1/risks/${hidden.id}/what-if`, { as: manager })).status).toBe(404);
    // 404 answers with its status even to a caller that asked for a progress stream.
    const streamed = await call(t, 'POST', `/api/v1/risks/${hidden.id}/quantifications`, {
      as: manager,
      body,
      headers: { accept: 'text/event-stream' },
    });
    expect(streamed.status).toBe(404);
    expect(streamed.headers['content-type']).toContain('application/problem+json');

    const badPert = await quantify(risk.id, {
      ...body,
      scenario: { ...uncertain, frequency: { type: 'pert', min: 5, mode: 2, max: 6 } },
    });
    expect(badPert.status).toBe(400);
    expect(badPert.json.errors[0].path).toBe('body.scenario.frequency');
    const costOnCurrent = await quantify(risk.id, { ...body, controlCost: 100 });
    expect(costOnCurrent.status).toBe(400);
    expect(costOnCurrent.json.errors.some((e: { path: string }) => e.path.endsWith('controlCost'))).toBe(
      true,
    );
    const tooMany = await quantify(risk.id, { ...body, iterations: 5_000_000 });
    expect(tooMany.status).toBe(400);
    // Work beyond the server's limits is refused before anything runs.
    const absurd = await quantify(risk.id, {
      ...body,
      iterations: 1_000_000,
      scenario: { ...uncertain, frequency: { type: 'constant', value: 1e6 } },
    });
    expect(absurd.status).toBe(400);
    expect(
      (await call(t, 'GET', `/api/v1/risks/${risk.id}/quantifications`, { as: admin })).json.items,
    ).toEqual([]);
  });

  it('stores inputs, seed and results (reproducible by the engine), with history and an audit entry', async () => {
    const risk = await createRisk({ title: 'Data hall tailgating' });
    const first = await quantify(risk.id, {
      label: 'current',
      scenario: { ...uncertain, id: 'ignored', name: 'ignored' },
      iterations: 20_000,
      seed: 7,
      note: 'Workshop with facilities, May',
    });
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    expect(first.json).toMatchObject({ riskId: risk.id, label: 'current', iterations: 20_000, seed: 7 });
    expect(first.json.createdBy.name).toMatch(/^admin /);
    expect(first.json.scenario.id).toBeUndefined();
    const engine = await simulate(
      parseSimulationRequest({ iterations: 20_000, seed: 7, scenarios: [uncertain] }),
      {
        threads: 0,
      },
    );
    expect(first.json.result).toEqual(engine.scenarios[0]);

    const second = await quantify(risk.id, { label: 'current', scenario: uncertain, iterations: 5000 });
    expect(second.status).toBe(201);
    expect(second.json.seed).toBeGreaterThanOrEqual(0);
    const history = await call(t, 'GET', `/api/v1/risks/${risk.id}/quantifications`, { as: manager });
    expect(history.status).toBe(200);
    expect(history.json.items.map((q: { id: string }) => q.id)).toEqual([second.json.id, first.json.id]);
    expect(history.json.items[1]).toEqual(first.json);

    const audit = await call(t, 'GET', `/api/v1/audit?entityId=${risk.id}&limit=50`, { as: admin });
    const quantified = audit.json.items.filter((e: { action: string }) => e.action === 'risk.quantified');
    expect(quantified).toHaveLength(2);
  });

  it('compares current and proposed controls: reduction, cost and ROSI', async () => {
    const risk = await createRisk({ title: 'Fence breach', siteIds: [siteA.id] });
    const empty = await call(t, 'GET', `/api/v1/risks/${risk.id}/what-if`, { as: manager });
    expect(empty.json).toEqual({ current: null, proposed: null, comparison: null });

    const current = await quantify(
      risk.id,
      { label: 'current', scenario: constant(2, 1000), iterations: 1000 },
      manager,
    );
    expect(current.status).toBe(201);
    const onlyCurrent = await call(t, 'GET', `/api/v1/risks/${risk.id}/what-if`, { as: manager });
    expect(onlyCurrent.json.current.id).toBe(current.json.id);
    expect(onlyCurrent.json.comparison).toBeNull();

    const proposed = await quantify(
      risk.id,
      { label: 'proposed', scenario: constant(0.5, 1000), iterations: 1000, controlCost: 300 },
      manager,
    );
    expect(proposed.status).toBe(201);
    // Without a seed of its own, the proposal runs on the current quantification's random numbers.
    expect(proposed.json.seed).toBe(current.json.seed);
    const whatIf = await call(t, 'GET', `/api/v1/risks/${risk.id}/what-if`, { as: manager });
    expect(whatIf.status).toBe(200);
    expect(whatIf.json.current.id).toBe(current.json.id);
    expect(whatIf.json.proposed.id).toBe(proposed.json.id);
    expect(whatIf.json.comparison).toMatchObject({
      currentAnnualLoss: 2000,
      proposedAnnualLoss: 500,
      riskReduction: 1500,
      riskReductionShare: 0.75,
      controlCost: 300,
      netBenefit: 1200,
      rosi: 4,
      probabilityOfLoss: { current: 1, proposed: 1 },
    });
    expect(whatIf.json.comparison.statistics).toContainEqual({
      statistic: 'p95',
      current: 2000,
      proposed: 500,
    });

    // A free control has no ROSI (division by zero), but still a reduction.
    await quantify(risk.id, { label: 'proposed', scenario: constant(1, 1000), iterations: 1000 }, manager);
    const free = await call(t, 'GET', `/api/v1/risks/${risk.id}/what-if`, { as: manager });
    expect(free.json.comparison).toMatchObject({ riskReduction: 1000, controlCost: 0, rosi: null });
  });

  it('streams progress as server-sent events, then the stored result', async () => {
    const risk = await createRisk({ title: 'Streamed' });
    const response = await call(t, 'POST', `/api/v1/risks/${risk.id}/quantifications`, {
      as: admin,
      body: {
        label: 'current',
        scenario: { ...uncertain, aggregation: 'product' },
        iterations: 1_000_000,
        seed: 3,
      },
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const events = parseEvents(response.body);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.fraction);
    // 1,000,000 years are several units of work: the bar moves through intermediate steps.
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.some((f) => f > 0 && f < 1)).toBe(true);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const last = events.at(-1);
    expect(last?.event).toBe('result');
    const stored = await call(t, 'GET', `/api/v1/risks/${risk.id}/quantifications`, { as: admin });
    expect(stored.json.items[0]).toEqual(last?.data);
    expect(last?.data.seed).toBe(3);
  });

  it('adds up the quantified risks into a portfolio against the loss appetite', async () => {
    // A fresh server: the portfolio covers every risk of the register.
    const p = await startTestServer(dialect);
    try {
      const site = await makeSite(p, { code: 'PA' });
      const other = await makeSite(p, { code: 'PB' });
      const cso = await sessionFor(p, await makeUser(p, 'admin'));
      const local = await sessionFor(p, await makeUser(p, 'manager', [site]));
      const make = async (body: Record<string, unknown>) =>
        (await call(p, 'POST', '/api/v1/risks', { as: cso, body: { category: 'physical', ...body } })).json;
      const q = async (riskId: string, label: string, scenario: unknown, controlCost = 0) => {
        const response = await call(p, 'POST', `/api/v1/risks/${riskId}/quantifications`, {
          as: cso,
          body: { label, scenario, iterations: 1000, controlCost },
        });
        expect(response.status, JSON.stringify(response.json)).toBe(201);
        return response.json;
      };

      const none = await call(p, 'GET', '/api/v1/risk/portfolio', { as: cso });
      expect(none.status).toBe(200);
      expect(none.json).toMatchObject({
        risks: [],
        result: null,
        unquantified: 0,
        probabilityAboveAppetite: null,
      });
      expect(none.json.appetite).toMatchObject({ annualLossAppetite: null, currency: 'USD' });

      const a = await make({ title: 'A', siteIds: [site.id] });
      const b = await make({ title: 'B' });
      const c = await make({ title: 'C', siteIds: [other.id] });
      const closed = await make({ title: 'Closed', status: 'closed' });
      await make({ title: 'Not quantified' });
      await q(a.id, 'current', constant(1, 1000));
      await q(a.id, 'current', constant(2, 1000)); // the latest current counts
      await q(a.id, 'proposed', constant(1, 100), 50); // proposals do not
      await q(b.id, 'current', constant(3, 1000));
      await q(c.id, 'current', constant(1, 10_000));
      await q(closed.id, 'current', constant(1, 1e6));

      const all = await call(p, 'GET', '/api/v1/risk/portfolio', { as: cso });
      expect(all.status).toBe(200);
      expect(all.json.iterations).toBe(PORTFOLIO_ITERATIONS);
      expect(all.json.risks.map((r: { title: string }) => r.title)).toEqual(['A', 'B', 'C']);
      expect(all.json.unquantified).toBe(1);
      expect(all.json.result.annualLoss.mean).toBe(15_000);
      expect(all.json.risks[0].annualLoss.mean).toBe(2000);

      // Scoped: the local manager sees A and the organization-wide B, not C at the other site.
      const mine = await call(p, 'GET', '/api/v1/risk/portfolio', { as: local });
      expect(mine.json.risks.map((r: { title: string }) => r.title)).toEqual(['A', 'B']);
      expect(mine.json.result.annualLoss.mean).toBe(5000);
      const atSite = await call(p, 'GET', `/api/v1/risk/portfolio?siteId=${other.id}`, { as: cso });
      expect(atSite.json.risks.map((r: { title: string }) => r.title)).toEqual(['C']);

      // The appetite: read with its ETag, changed only by risk:configure with If-Match.
      const appetite = await call(p, 'GET', '/api/v1/risk/appetite', { as: local });
      expect(appetite.headers.etag).toBe('"v1"');
      const body = { annualLossAppetite: 12_000, currency: 'eur' };
      expect((await call(p, 'PUT', '/api/v1/risk/appetite', { as: local, body })).status).toBe(403);
      expect((await call(p, 'PUT', '/api/v1/risk/appetite', { as: cso, body })).status).toBe(428);
      const set = await call(p, 'PUT', '/api/v1/risk/appetite', {
        as: cso,
        body,
        headers: { 'if-match': '"v1"' },
      });
      expect(set.status).toBe(200);
      expect(set.headers.etag).toBe('"v2"');
      expect(set.json).toMatchObject({ annualLossAppetite: 12_000, currency: 'EUR', version: 2 });
      const stale = await call(p, 'PUT', '/api/v1/risk/appetite', {
        as: cso,
        body: { annualLossAppetite: 1 },
        headers: { 'if-match': '"v1"' },
      });
      expect(stale.status).toBe(412);
      const bad = await call(p, 'PUT', '/api/v1/risk/appetite', {
        as: cso,
        body: { annualLossAppetite: -5 },
        headers: { 'if-match': '"v2"' },
      });
      expect(bad.status).toBe(400);

      // Every simulated year loses exactly 15,000: certainly above 12,000, certainly not above 20,000.
      const against = await call(p, 'GET', '/api/v1/risk/portfolio', { as: cso });
      expect(against.json.appetite).toMatchObject({ annualLossAppetite: 12_000, currency: 'EUR' });
      expect(against.json.probabilityAboveAppetite).toBe(1);
      await call(p, 'PUT', '/api/v1/risk/appetite', {
        as: cso,
        body: { annualLossAppetite: 20_000 },
        headers: { 'if-match': '"v2"' },
      });
      const below = await call(p, 'GET', '/api/v1/risk/portfolio', { as: cso });
      expect(below.json.probabilityAboveAppetite).toBe(0);
      expect(below.json.appetite.currency).toBe('EUR');

      const audit = await call(p, 'GET', '/api/v1/audit?action=risk.appetite_updated', { as: cso });
      expect(audit.json.items).toHaveLength(2);
    } finally {
      await p.close();
    }
  });

  it('re-simulates the portfolio with its fixed seed: the engine gives the same curve', async () => {
    const p = await startTestServer(dialect);
    try {
      const cso = await sessionFor(p, await makeUser(p, 'admin'));
      const scenarios = [
        uncertain,
        {
          threatEventFrequency: { type: 'uniform', min: 1, max: 4 },
          vulnerability: { type: 'pert', min: 0.1, mode: 0.3, max: 0.6 },
          magnitude: { type: 'pert', min: 500, mode: 2000, max: 9000 },
        },
      ];
      const ids: string[] = [];
      for (const [index, scenario] of scenarios.entries()) {
        const risk = await call(p, 'POST', '/api/v1/risks', {
          as: cso,
          body: { title: `R${index}`, category: 'cyber' },
        });
        ids.push(risk.json.id);
        const stored = await call(p, 'POST', `/api/v1/risks/${risk.json.id}/quantifications`, {
          as: cso,
          body: { label: 'current', scenario, iterations: 2000 },
        });
        expect(stored.status).toBe(201);
      }
      const first = await call(p, 'GET', '/api/v1/risk/portfolio', { as: cso });
      const again = await call(p, 'GET', '/api/v1/risk/portfolio', {
        as: cso,
        headers: { accept: 'text/event-stream' },
      });
      const events = parseEvents(again.body);
      expect(events.at(-1)?.event).toBe('result');
      expect(events.at(-1)?.data).toEqual(first.json);
      const engine = await simulate(
        parseSimulationRequest({
          iterations: PORTFOLIO_ITERATIONS,
          seed: PORTFOLIO_SEED,
          scenarios: scenarios.map((s, i) => ({ ...s, id: ids[i] })),
        }),
        { threads: 0 },
      );
      expect(first.json.seed).toBe(PORTFOLIO_SEED);
      expect(first.json.result).toEqual(engine.portfolio);
      expect(first.json.risks.map((r: any) => r.annualLoss)).toEqual(
        engine.scenarios.map((s) => s.annualLoss),
      );
    } finally {
      await p.close();
    }
  });
});

describe('exceedanceAt', () => {
  const curve = [
    { loss: 0, probability: 0.8 },
    { loss: 100, probability: 0.5 },
    { loss: 300, probability: 0.1 },
    { loss: 1000, probability: 0 },
  ];
  it('reads a loss exceedance curve: exact at its points, the upper bound between them', () => {
    expect(exceedanceAt(curve, -1)).toBe(1);
    expect(exceedanceAt(curve, 0)).toBe(0.8);
    expect(exceedanceAt(curve, 50)).toBe(0.8);
    expect(exceedanceAt(curve, 100)).toBe(0.5);
    expect(exceedanceAt(curve, 299)).toBe(0.5);
    expect(exceedanceAt(curve, 300)).toBe(0.1);
    expect(exceedanceAt(curve, 1000)).toBe(0);
    expect(exceedanceAt(curve, 1e9)).toBe(0);
    expect(exceedanceAt([], 5)).toBe(0);
  });
  it('ignores the (0, 0) padding of a curve without losses', () => {
    const padded = [
      { loss: 0, probability: 0 },
      { loss: 0, probability: 0 },
      { loss: 0, probability: 0 },
    ];
    expect(exceedanceAt(padded, 10)).toBe(0);
    expect(exceedanceAt([...curve, { loss: 0, probability: 0 }], 500)).toBe(0.1);
  });
  it('matches the fraction of simulated years above the loss to within a step of the curve', async () => {
    const request = parseSimulationRequest({ iterations: 50_000, seed: 11, scenarios: [uncertain] });
    const result = await simulate(request, { threads: 0 });
    const scenario = result.scenarios[0]!;
    for (const loss of [5e3, 5e4, 2e5]) {
      const read = exceedanceAt(scenario.lossExceedance, loss);
      const below = scenario.lossExceedance.filter((point) => point.loss <= loss).at(-1)!;
      const above = scenario.lossExceedance.find((point) => point.loss > loss)!;
      expect(read).toBe(below.probability);
      expect(read).toBeGreaterThanOrEqual(above.probability);
      expect(read - above.probability).toBeLessThanOrEqual(0.011 * scenario.probabilityOfLoss);
    }
  });
});
