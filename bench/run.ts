/**
 * Runs every benchmark in bench/ (each `*.ts` file here except this one) one after another and
 * prints their figures as one JSON document. A benchmark prints exactly one JSON document on
 * stdout and its progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '../node_modules/tsx/dist/cli.mjs');
const benches = fs
  .readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.d.ts'))
  .sort();

const results: Record<string, unknown> = {};
let failed = 0;
for (const file of benches) {
  const name = path.basename(file, '.ts');
  process.stderr.write(`bench: running ${name}\n`);
  const run = spawnSync(process.execPath, [tsx, path.join(here, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  try {
    if (run.status !== 0) throw new Error(`exited with ${String(run.status ?? run.signal)}`);
    results[name] = JSON.parse(run.stdout) as unknown;
  } catch (error) {
    failed += 1;
    results[name] = { error: error instanceof Error ? error.message : String(error) };
  }
}
process.stdout.write(
  `${JSON.stringify({ cores: os.availableParallelism(), node: process.version, results }, null, 2)}\n`,
);
process.exitCode = failed > 0 ? 1 : 0;
