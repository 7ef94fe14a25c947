import type { Command } from 'commander';
import { loadConfig } from '../../server/platform/config.js';
import {
  BackupRefusal,
  createBackup,
  restoreBackup,
  type Progress,
} from '../../server/platform/backup/index.js';
import { UsageError } from '../errors.js';

const PHASE_LABEL: Record<Progress['phase'], string> = {
  tables: 'rows',
  blobs: 'files',
  verify: 'audit entries',
};

/**
 * Progress on stderr: a live line on a terminal; otherwise a line per 10 % of long work, so logs
 * of scheduled backups show it advancing without drowning in it.
 */
function progressOn(stream: NodeJS.WriteStream, verb: string): (progress: Progress) => void {
  let shown = '';
  return (progress) => {
    const percent = progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100);
    const text = `${verb}: ${percent}% (${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')} ${PHASE_LABEL[progress.phase]})`;
    if (stream.isTTY) {
      stream.write(`\r${text}${progress.done === progress.total ? '\n' : ''}`);
      return;
    }
    const key = `${progress.phase}:${Math.floor(percent / 10)}`;
    if (progress.total < 10_000 || key === shown) return;
    shown = key;
    stream.write(`${text}\n`);
  };
}

async function refusalsAsUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupRefusal) throw new UsageError(error.message);
    throw error;
  }
}

/** `vigil backup --out FILE` and `vigil restore --from FILE`. */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'write a consistent online backup (.tar.gz: manifest, one JSON-lines file per table, blobs) while Vigil keeps running',
    )
    .requiredOption('--out <file>', 'the archive to create (must not exist yet)')
    .action(async (opts: { out: string }) => {
      const config = loadConfig();
      const summary = await refusalsAsUsage(() =>
        createBackup(config, opts.out, { onProgress: progressOn(process.stderr, 'backup') }),
      );
      const mb = (summary.bytes / 1_048_576).toFixed(1);
      console.log(
        `Backup written to ${summary.file} (${summary.tables} tables, ${summary.rows} rows, ${summary.blobs} blobs, ${mb} MB). ` +
          `Audit log: ${summary.audit.count} entries, head ${summary.audit.headHash ?? 'none'}.`,
      );
    });

  program
    .command('restore')
    .description(
      'restore a backup into an empty data dir (SQLite) or empty database (DATABASE_URL), then verify the audit chain',
    )
    .requiredOption('--from <file>', 'the archive made by `vigil backup`')
    .action(async (opts: { from: string }) => {
      const config = loadConfig();
      const summary = await refusalsAsUsage(() =>
        restoreBackup(config, opts.from, { onProgress: progressOn(process.stderr, 'restore') }),
      );
      const target = config.dialect === 'sqlite' ? config.sqlitePath : 'PostgreSQL';
      console.log(
        `Restored the ${summary.sourceDialect} backup of ${summary.createdAt} into ${target}: ${summary.tables} tables, ${summary.rows} rows, ${summary.blobs} blobs. ` +
          `Audit log intact: ${summary.audit.count} entries verified.`,
      );
    });
}
