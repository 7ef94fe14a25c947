// Reads the Vitest JSON reports written during `npm test` and fails when a tier ran no test or
// anything was skipped: SQLite and PostgreSQL integration tests, and the browser tests.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const reports = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
let passed = 0;
let failed = 0;
let skipped = 0;
const titles = [];
for (const file of reports) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults) {
    for (const test of suite.assertionResults)
      titles.push({
        file: suite.name,
        title: [...test.ancestorTitles, test.title].join(' > '),
        status: test.status,
      });
  }
}
const ran = (predicate) => titles.some((t) => t.status === 'passed' && predicate(t));
const tiers = {
  sqlite: ran((t) => t.title.includes('(sqlite)')),
  postgres: ran((t) => t.title.includes('(postgres)')),
  browser:
    ran((t) => t.file.endsWith('.e2e.ts') && t.title.includes('postgres')) &&
    ran((t) => t.file.endsWith('.e2e.ts') && t.title.includes('sqlite')),
};
console.log(`tiers: ${JSON.stringify(tiers)}; reports: ${reports.join(', ')}`);
const problems = [];
for (const [tier, ok] of Object.entries(tiers))
  if (!ok) problems.push(`the ${tier} tier ran no passing test`);
if (skipped > 0)
  problems.push(
    `${skipped} tests were skipped: ${titles
      .filter((t) => t.status !== 'passed' && t.status !== 'failed')
      .map((t) => t.title)
      .join('; ')}`,
  );
if (failed > 0) problems.push(`${failed} tests failed`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
