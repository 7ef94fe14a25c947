import fc from 'fast-check';
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

describe.each(dialects)('HTTP contracts (%s)', (dialect) => {
  let t: TestEnv;
  let admin: Credentials;
  beforeAll(async () => {
    t = await startTestServer(dialect, { VIGIL_BODY_LIMIT_BYTES: '65536' });
    admin = await sessionFor(t, await makeUser(t, 'admin'));
  });
  afterAll(() => t.close());

  it('serves health, readiness, OpenAPI 3.1 and the API docs', async () => {
    expect((await call(t, 'GET', '/healthz')).status).toBe(200);
    expect((await call(t, 'GET', '/readyz')).json).toEqual({ status: 'ready' });
    const doc = await call(t, 'GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/sites',
        '/api/v1/sites/{id}',
        '/api/v1/users',
        '/api/v1/people',
        '/api/v1/audit',
        '/api/v1/me',
      ]),
    );
    expect(
      doc.json.paths['/api/v1/sites'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['name', 'code', 'timezone']));
    const docs = await t.server.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('sends security headers and no-store on the API', async () => {
    const response = await call(t, 'GET', '/api/v1/me', { as: admin });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers problem+json with stable codes for bad input', async () => {
    const malformed = await call(t, 'POST', '/api/v1/sites', { as: admin, rawBody: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    expect(malformed.json.code).toBe('malformed_json');

    const wrongType = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: 42, code: 'AB', timezone: 'UTC' },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.code).toBe('validation_failed');
    expect(wrongType.json.errors[0].path).toBe('body.name');

    const badEnum = await call(t, 'POST', '/api/v1/users', {
      as: admin,
      body: { email: 'e@example.test', name: 'E', role: 'superuser' },
    });
    expect(badEnum.status).toBe(400);
    expect(badEnum.json.errors.some((e: { path: string }) => e.path === 'body.role')).toBe(true);

    const badZone = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: 'Z', code: 'ZZ', timezone: 'Mars/Olympus' },
    });
    expect(badZone.status).toBe(400);

    const oversized = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: 'x'.repeat(5000), code: 'OV', timezone: 'UTC' },
    });
    expect(oversized.status).toBe(400);

    const tooLarge = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      rawBody: JSON.stringify({ name: 'x'.repeat(70_000) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.code).toBe('payload_too_large');

    const badCursor = await call(t, 'GET', '/api/v1/sites?cursor=not-a-cursor', { as: admin });
    expect(badCursor.status).toBe(400);
    const badLimit = await call(t, 'GET', '/api/v1/sites?limit=501', { as: admin });
    expect(badLimit.status).toBe(400);

    const unknown = await call(t, 'GET', '/api/v1/nothing-here', { as: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('not_found');
    for (const response of [malformed, wrongType, tooLarge, unknown])
      expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('requires If-Match on updates and answers 412 on a stale version', async () => {
    const created = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: 'Etag', code: 'ETAG', timezone: 'UTC' },
    });
    expect(created.headers.etag).toBe('"v1"');
    const url = `/api/v1/sites/${created.json.id}`;
    expect((await call(t, 'GET', url, { as: admin })).headers.etag).toBe('"v1"');
    const missing = await call(t, 'PATCH', url, { as: admin, body: { name: 'A' } });
    expect(missing.status).toBe(428);
    const first = await call(t, 'PATCH', url, {
      as: admin,
      body: { name: 'A' },
      headers: { 'if-match': '"v1"' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe('"v2"');
    const stale = await call(t, 'PATCH', url, {
      as: admin,
      body: { name: 'B' },
      headers: { 'if-match': '"v1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.json.code).toBe('precondition_failed');
    expect((await call(t, 'GET', url, { as: admin })).json.name).toBe('A');
  });

  it('pages lists with cursors, without gaps or repeats', async () => {
    for (let i = 0; i < 7; i += 1) await makeSite(t, { name: `Paged ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { items: { id: string }[]; nextCursor: string | null } } = await call(
        t,
        'GET',
        `/api/v1/sites?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { as: admin },
      );
      seen.push(...page.json.items.map((s) => s.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    const all = await call(t, 'GET', '/api/v1/sites?limit=500', { as: admin });
    expect(seen).toEqual(all.json.items.map((s: { id: string }) => s.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('never answers 5xx to generated bad bodies, on any route', async () => {
    const site = await makeSite(t);
    const person = await call(t, 'POST', '/api/v1/people', {
      as: admin,
      body: { siteId: site.id, firstName: 'F', lastName: 'L' },
    });
    const ids: Record<string, string> = { sites: site.id, people: person.json.id };
    const routes = t.server.catalog.filter(
      (r) =>
        r.method !== 'GET' &&
        r.access !== 'public' &&
        !r.url.includes('logout') &&
        !r.url.includes('password'),
    );
    const jsonish = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(
        fc.constantFrom(
          'name',
          'code',
          'timezone',
          'email',
          'role',
          'sites',
          'siteId',
          'firstName',
          'lastName',
          'status',
          'kind',
          'permissions',
          'expiresInDays',
          'password',
          'address',
          'managerId',
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    );
    const body = fc.oneof(
      jsonish.map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 200 }),
      fc.constant('{"a":'),
      fc.constant(''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        body,
        fc.constantFrom('"v1"', '"v999"', 'garbage', undefined),
        async (route, raw, ifMatch) => {
          const collection = route.url.split('/')[3] ?? '';
          const url = route.url.replace(':id', ids[collection] ?? '01930000-0000-7000-8000-000000000000');
          const response = await call(t, route.method as 'POST', url, {
            as: admin,
            rawBody: raw,
            headers: ifMatch ? { 'if-match': ifMatch } : {},
          });
          expect(response.status, `${route.method} ${url} ${raw}`).toBeLessThan(500);
          if (response.status >= 400)
            expect(response.headers['content-type']).toContain('application/problem+json');
        },
      ),
      { numRuns: 300 },
    );
  });
});
