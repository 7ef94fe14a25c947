/**
 * `npm run bench`: runs every `bench:<name>` script of package.json one after another and prints
 * their figures as one JSON document. Each benchmark prints exactly one JSON document on stdout
 * and its progress on stderr; helper modules in bench/ are not benchmarks and are not run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = z
  .object({ scripts: z.record(z.string(), z.string()) })
  .parse(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')));
const benches = Object.keys(manifest.scripts)
  .filter((name) => name.startsWith('bench:'))
  .sort();

const results: Record<string, unknown> = {};
let failed = 0;
for (const script of benches) {
  const name = script.slice('bench:'.length);
  process.stderr.write(`bench: running ${name}\n`);
  const run = spawnSync('npm', ['run', '--silent', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: 30 * 60_000,
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
