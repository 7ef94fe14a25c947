#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { ConfigError } from '../server/platform/config.js';
import { AppError } from '../server/platform/errors.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerMonitoringCommands } from './commands/monitoring.js';
import { registerIncidentCommands } from './commands/incidents.js';
import { registerPlatformCommands } from './commands/platform.js';
import { registerRiskCommands } from './commands/risk.js';
import { registerServeCommand } from './commands/serve.js';
import { UsageError } from './errors.js';

/** Builds the `vigil` command line. Exit codes: 0 ok, 1 failure, 2 bad input (flag, value, config). */
export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil — the command center of a security program')
    .version('0.1.0')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`${message.trim().split('\n')[0] ?? ''}\n`) });
  registerServeCommand(program);
  registerPlatformCommands(program);
  registerBackupCommands(program);
  registerDemoCommand(program);
  registerRiskCommands(program);
  registerMonitoringCommands(program);
  registerIncidentCommands(program);
  return program;
}

function firstLine(error: unknown): string {
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid input';
  }
  if (error instanceof AppError && error.fieldErrors?.[0])
    return `${error.fieldErrors[0].path}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
          ? 0
          : 2;
      return;
    }
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof ZodError ||
      (error instanceof AppError && error.status < 500);
    process.stderr.write(`vigil: ${firstLine(error)}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}

await main();
