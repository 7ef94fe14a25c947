import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import { createServer, type Server } from '../../server.js';
import { dialects, freshDatabaseEnv } from '../../test/harness.js';
import { tag } from '../../test/monitoring.js';
import { createSite } from '../sites/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const run = promisify(execFile);

describe.each(dialects)('vigil device / event / monitoring commands (%s)', (dialect) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let server: Server;
  const code = `CLI${tag().slice(0, 6)}`.toUpperCase();
  const vigil = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', ...args],
        {
          cwd: root,
          env: { ...process.env, ...env, VIGIL_CLI_LOG_LEVEL: 'silent' },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    ({ env, cleanup } = await freshDatabaseEnv(dialect));
    server = await createServer(loadConfig(env), createLogger('silent'));
    await createSite(
      server.ctx,
      { actor: { type: 'system', id: null, label: 'test' }, requestId: null },
      {
        name: 'CLI site',
        code,
        timezone: 'UTC',
      },
    );
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('registers a device, lists it, sends it an event and sweeps', async () => {
    const added = await vigil(
      'device',
      'add',
      '--site',
      code,
      '--name',
      'Gate',
      '--kind',
      'door',
      '--external-id',
      'gate-cli',
    );
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await vigil('device', 'list', '--site', code, '--status', 'unknown');
    expect(listed.stdout.trim().split('\t').slice(0, 4)).toEqual([id, 'unknown', 'door', 'Gate']);
    const sent = await vigil(
      'event',
      'send',
      '--external-id',
      'gate-cli',
      '--type',
      'door_forced',
      '--zone',
      'G',
    );
    expect(sent.code).toBe(0);
    const alarm = await server.ctx.database.db
      .selectFrom('monitoring_alarms')
      .selectAll()
      .where('device_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(alarm).toMatchObject({ type: 'door_forced', zone: 'G' });
    const audit = await server.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_label'])
      .where('entity_id', '=', id)
      .execute();
    expect(audit[0]?.action).toBe('device.created');
    expect(audit[0]?.actor_label).toMatch(/^cli:/);
    const sweep = await vigil('monitoring', 'sweep');
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toMatch(/device\(s\) newly offline/);
  }, 60_000);

  it('answers bad input with one line and exit code 2', async () => {
    const kind = await vigil('device', 'add', '--site', code, '--name', 'X', '--kind', 'toaster');
    expect(kind.code).toBe(2);
    const site = await vigil('device', 'add', '--site', 'NOPE', '--name', 'X', '--kind', 'camera');
    expect(site.code).toBe(2);
    expect(site.stderr.trim().split('\n')).toEqual(['vigil: --site: no site has the code "NOPE"']);
    const taken = await vigil(
      'device',
      'add',
      '--site',
      code,
      '--name',
      'Y',
      '--kind',
      'door',
      '--external-id',
      'gate-cli',
    );
    expect(taken.code).toBe(2);
  }, 60_000);
});
