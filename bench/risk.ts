/*
 * `npm run bench:risk`: the FAIR engine end to end through the CLI (a fresh `node
 * dist/cli/main.js risk simulate --in FILE` process per run, JSON written to a file), on the
 * issue's reference portfolio: 1,000 scenarios × 100,000 iterations. Prints JSON figures.
 *
 * Options: --runs N (3) · --scenarios N (1000) · --iterations N (100000) · --threads N (CLI default)
 * · --reference-scenarios N (100; the straightforward single-threaded implementation is run on the
 * first N scenarios, and the engine on the same N through the CLI, for the speed-up).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulationRequestSchema, simulationResultSchema } from '../src/contracts/risk-simulation.js';
import { expectedLossEvents } from '../src/server/modules/risk/engine/index.js';
import { referenceSimulate } from '../src/server/modules/risk/engine/reference.js';
import { benchmarkPortfolio } from './risk-portfolio.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli/main.js');
const probe = path.join(root, 'bench/rss-probe.mjs');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

interface CliRun {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  portfolioMean: number;
}

async function runCli(requestFile: string, threads: number | undefined): Promise<CliRun> {
  const dir = path.dirname(requestFile);
  const probeFile = path.join(dir, `probe-${process.hrtime.bigint()}.json`);
  const outFile = path.join(dir, 'answer.json');
  const out = fs.openSync(outFile, 'w');
  const args = ['--import', probe, cli, 'risk', 'simulate', '--in', requestFile];
  if (threads !== undefined) args.push('--threads', String(threads));
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', out, 'inherit'],
      env: { ...process.env, VIGIL_BENCH_PROBE: probeFile },
    });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const wallSeconds = (performance.now() - started) / 1000;
  fs.closeSync(out);
  if (code !== 0) throw new Error(`the CLI exited with ${code}`);
  const usage = JSON.parse(fs.readFileSync(probeFile, 'utf8')) as {
    maxRssKb: number;
    userMicros: number;
    systemMicros: number;
  };
  const answer = simulationResultSchema.parse(JSON.parse(fs.readFileSync(outFile, 'utf8')));
  return {
    wallSeconds,
    cpuSeconds: (usage.userMicros + usage.systemMicros) / 1e6,
    peakRssMiB: usage.maxRssKb / 1024,
    portfolioMean: answer.portfolio.annualLoss.mean,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const round = (x: number, digits = 3) => Number(x.toPrecision(digits));

async function main(): Promise<void> {
  if (!fs.existsSync(cli)) throw new Error('run `npm run build` first (npm run bench:risk does)');
  const runs = option('runs', 3);
  const scenarios = option('scenarios', 1000);
  const iterations = option('iterations', 100_000);
  const referenceScenarios = Math.min(option('reference-scenarios', 100), scenarios);
  const threadsAt = process.argv.indexOf('--threads');
  const threads = threadsAt >= 0 ? option('threads', 1) : undefined;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-risk-'));
  try {
    const input = benchmarkPortfolio(scenarios, iterations);
    const request = simulationRequestSchema.parse(input);
    const requestFile = path.join(dir, 'request.json');
    fs.writeFileSync(requestFile, JSON.stringify(input));
    const expectedEvents = request.scenarios.reduce((sum, s) => sum + iterations * expectedLossEvents(s), 0);
    const loadBefore = os.loadavg()[0] ?? 0;

    const measured: CliRun[] = [];
    for (let i = 0; i < runs; i++) measured.push(await runCli(requestFile, threads));
    const wall = median(measured.map((r) => r.wallSeconds));

    // The speed-up: the engine (through the CLI) and the reference on the same first N scenarios.
    const subset = { ...input, scenarios: input.scenarios.slice(0, referenceScenarios) };
    const subsetFile = path.join(dir, 'subset.json');
    fs.writeFileSync(subsetFile, JSON.stringify(subset));
    const engineSubset: CliRun[] = [];
    for (let i = 0; i < runs; i++) engineSubset.push(await runCli(subsetFile, threads));
    const referenceStarted = performance.now();
    const reference = referenceSimulate(simulationRequestSchema.parse(subset), 42);
    const referenceSeconds = (performance.now() - referenceStarted) / 1000;
    const engineSubsetWall = median(engineSubset.map((r) => r.wallSeconds));
    const engineSubsetMean = median(engineSubset.map((r) => r.portfolioMean));

    const figures = {
      benchmark: 'risk simulate, end to end through the CLI',
      portfolio: {
        scenarios,
        iterations,
        scenarioIterations: scenarios * iterations,
        expectedLossEvents: round(expectedEvents),
        mix: 'PERT / lognormal magnitudes and frequencies, poisson aggregation, rates 0.05–50 a year (log-uniform), 1 in 5 as TEF × vulnerability, 1 in 3 with secondary loss',
      },
      machine: {
        cpus: os.availableParallelism(),
        model: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        loadAverageBefore: round(loadBefore),
        loadAverageAfter: round(os.loadavg()[0] ?? 0),
      },
      threads: threads ?? os.availableParallelism(),
      runs: measured.map((r) => ({
        wallSeconds: round(r.wallSeconds),
        cpuSeconds: round(r.cpuSeconds),
        peakRssMiB: round(r.peakRssMiB),
      })),
      wallSeconds: round(wall),
      scenarioIterationsPerSecond: round((scenarios * iterations) / wall),
      lossEventsPerSecond: round(expectedEvents / wall),
      peakRssMiB: round(Math.max(...measured.map((r) => r.peakRssMiB))),
      target: { wallSeconds: 3, peakRssMiB: 1024 },
      withinTarget: wall < 3 && Math.max(...measured.map((r) => r.peakRssMiB)) < 1024,
      speedup: {
        scenarios: referenceScenarios,
        iterations,
        engineWallSeconds: round(engineSubsetWall),
        referenceWallSeconds: round(referenceSeconds),
        referenceThreads: 1,
        speedup: round(referenceSeconds / engineSubsetWall),
        portfolioMean: { engine: round(engineSubsetMean, 6), reference: round(reference.portfolio.mean, 6) },
      },
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
