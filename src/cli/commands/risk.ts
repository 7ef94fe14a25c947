import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../server/platform/errors.js';
import { parseSimulationRequest, simulate } from '../../server/modules/risk/index.js';
import { positiveInteger, UsageError } from '../errors.js';
import { readStdin } from '../runtime.js';

async function readRequest(file: string | undefined): Promise<unknown> {
  let text: string;
  if (file === undefined || file === '-') {
    text = await readStdin();
  } else {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      throw new UsageError(`--in: cannot read ${file} (${reason})`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : 'invalid';
    throw new UsageError(`${file ?? 'stdin'}: not valid JSON (${detail})`);
  }
}

/** `vigil risk simulate`: the FAIR Monte Carlo engine, same JSON in and out as POST /api/v1/risk/simulate. */
export function registerRiskCommands(program: Command): void {
  const risk = program.command('risk').description('risk quantification');
  risk
    .command('simulate')
    .description(
      'run a FAIR Monte Carlo simulation: reads the request JSON (as POST /api/v1/risk/simulate) and prints the answer JSON',
    )
    .option('--in <file>', 'request file (default: standard input)')
    .option('--threads <n>', 'worker threads (default: one per core)', positiveInteger('--threads'))
    .action(async (opts: { in?: string; threads?: number }) => {
      const input = await readRequest(opts.in);
      let result;
      try {
        result = await simulate(parseSimulationRequest(input), { threads: opts.threads });
      } catch (error) {
        // The engine's message already names the field; print it alone.
        if (error instanceof AppError && error.status < 500) throw new UsageError(error.message);
        throw error;
      }
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
