/** The PostgreSQL server used by the tests (a fresh database is created per test server). */
export function testPostgresUrl(database = 'test'): string {
  const base = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export const dialects = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof dialects)[number];
