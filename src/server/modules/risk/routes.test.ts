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
} from '../../test/harness.js';
import { parseSimulationRequest, simulate } from './index.js';

const request = {
  iterations: 20_000,
  seed: 2024,
  scenarios: [
    {
      id: 'R-1',
      name: 'Tailgating into the data hall',
      frequency: { type: 'pert', min: 0.5, mode: 2, max: 6 },
      magnitude: { type: 'lognormal', low: 1e3, high: 1e5 },
    },
    {
      id: 'R-2',
      threatEventFrequency: { type: 'uniform', min: 1, max: 3 },
      vulnerability: { type: 'constant', value: 0.5 },
      magnitude: { type: 'pert', min: 100, mode: 500, max: 2000 },
      aggregation: 'product',
    },
  ],
};

describe.each(dialects)('POST /api/v1/risk/simulate (%s)', (dialect) => {
  let t: TestEnv;
  let auditor: Credentials;
  let employee: Credentials;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const site = await makeSite(t);
    auditor = await sessionFor(t, await makeUser(t, 'auditor'));
    employee = await sessionFor(t, await makeUser(t, 'employee', [site]));
  });
  afterAll(() => t.close());

  it('401 anonymous, 403 without risk:simulate', async () => {
    expect((await call(t, 'POST', '/api/v1/risk/simulate', { body: request })).status).toBe(401);
    const denied = await call(t, 'POST', '/api/v1/risk/simulate', { as: employee, body: request });
    expect(denied.status).toBe(403);
  });

  it('answers the same bytes as the engine (and so the CLI) for the same request and seed', async () => {
    const response = await call(t, 'POST', '/api/v1/risk/simulate', { as: auditor, body: request });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const expected = JSON.stringify(await simulate(parseSimulationRequest(request), { threads: 0 }));
    expect(response.body).toBe(expected);
    expect(response.json.scenarios[0].id).toBe('R-1');
    expect(response.json.scenarios[0].lossExceedance.length).toBeGreaterThanOrEqual(50);
    expect(response.json.portfolio.annualLoss.p99).toBeGreaterThan(0);
  });

  it('400 problem+json naming the field, for bad estimates and malformed JSON', async () => {
    const bad = await call(t, 'POST', '/api/v1/risk/simulate', {
      as: auditor,
      body: {
        scenarios: [
          { frequency: { type: 'constant', value: 1 }, magnitude: { type: 'pert', min: 5, mode: 1, max: 3 } },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json.code).toBe('validation_failed');
    expect(bad.json.detail).toBe('scenarios[0].magnitude: min must be ≤ mode ≤ max');
    expect(bad.json.errors[0].path).toBe('scenarios[0].magnitude');
    const malformed = await call(t, 'POST', '/api/v1/risk/simulate', {
      as: auditor,
      rawBody: '{"scenarios": [',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.code).toBe('malformed_json');
  });

  it('refuses more work than the server allows with a clear 400', async () => {
    const tooMuch = await call(t, 'POST', '/api/v1/risk/simulate', {
      as: auditor,
      body: { iterations: 10_000_000, scenarios: Array.from({ length: 101 }, () => request.scenarios[1]) },
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.detail).toMatch(
      /^iterations: 10000000 iterations × 101 scenarios = 1010000000 exceeds the limit/,
    );
    const frequent = await call(t, 'POST', '/api/v1/risk/simulate', {
      as: auditor,
      body: {
        iterations: 10_000_000,
        scenarios: [
          { frequency: { type: 'constant', value: 1000 }, magnitude: { type: 'constant', value: 1 } },
        ],
      },
    });
    expect(frequent.status).toBe(400);
    expect(frequent.json.detail).toMatch(/^scenarios: .*expected loss events/);
  });

  it('accepts a body larger than the default limit (a big portfolio)', async () => {
    const scenarios = Array.from({ length: 2500 }, (_, i) => ({
      id: `R-${i}`,
      name: `Scenario ${i} `.padEnd(400, '·'),
      frequency: { type: 'constant', value: 0.5 },
      magnitude: { type: 'uniform', min: 1, max: 2 },
    }));
    const body = { iterations: 10, seed: 1, scenarios };
    expect(JSON.stringify(body).length).toBeGreaterThan(t.config.VIGIL_BODY_LIMIT_BYTES);
    const response = await call(t, 'POST', '/api/v1/risk/simulate', { as: auditor, body });
    expect(response.status).toBe(200);
    expect(response.json.scenarios).toHaveLength(2500);
  });
});
