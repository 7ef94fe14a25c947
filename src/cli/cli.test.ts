import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEntry } from '../server/platform/audit/chain.js';
import { loadConfig } from '../server/platform/config.js';
import type { AuditLogTable } from '../server/platform/db/schema.js';
import { createLogger } from '../server/platform/logger.js';
import { createSite } from '../server/modules/sites/index.js';
import { createServer } from '../server/server.js';
import { dialects, freshDatabaseEnv } from '../server/test/harness.js';
import { assertBuilt, runCli, type CliResult } from '../server/test/process.js';

/*
 * The `vigil` command as users run it: the compiled CLI (`npm run build` first) in a child
 * process, checked by exit code and output.
 */

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr. */
function expectOneLineUsageError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

/** Subcommand names listed under "Commands:" in a help text (without `help`). */
function commandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((match) => match[1] ?? '')
    .filter((name) => name !== 'help');
}

/** Opens a SQLite installation to change its file directly, as an attacker with disk access would. */
function openAsAttacker(dataDir: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path.join(dataDir, 'vigil.db'));
  db.exec('drop trigger if exists audit_log_no_update; drop trigger if exists audit_log_no_delete;');
  return db;
}

beforeAll(() => assertBuilt());
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('vigil --help', () => {
  it('is available for every command and subcommand, exit 0', async () => {
    const seen: string[] = [];
    const visit = async (args: string[]): Promise<void> => {
      const result = await runCli([...args, '--help']);
      expect(result.code, `${args.join(' ')} --help`).toBe(0);
      expect(result.stdout).toMatch(/^Usage: vigil/);
      seen.push(args.join(' '));
      await Promise.all(commandsIn(result.stdout).map((name) => visit([...args, name])));
    };
    await visit([]);
    for (const command of [
      'serve',
      'migrate',
      'user add',
      'token create',
      'audit verify',
      'backup',
      'restore',
      'demo',
    ]) {
      expect(seen).toContain(command);
    }
    // One process per command and subcommand (each starts Node and loads the app), side by side
    // on a CI machine busy with other test files: 30 s was too tight on two cores.
  }, 120_000);
});

describe('vigil usage errors: one line, exit 2', () => {
  let env: Record<string, string>;
  beforeAll(() => {
    env = { VIGIL_DATA_DIR: tempDir() };
  });

  it('rejects a wrong flag or value', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['user', 'add', '--email', 'a@b.example', '--name', 'N', '--role', 'wizard'],
        /wizard.*Allowed choices/,
      ],
      [
        ['user', 'add', '--email', 'not-an-email', '--name', 'N', '--role', 'admin'],
        /--email: "not-an-email"/,
      ],
      [['user', 'add', '--email', 'a@b.example', '--role', 'admin'], /required option '--name/],
      [
        ['token', 'create', '--email', 'a@b.example', '--name', 't', '--expires-days', 'abc'],
        /--expires-days/,
      ],
      [['token', 'create', '--email', 'a@b.example', '--name', 't', '--expires-days', '0'], /--expires-days/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['migrate', '--frob'], /unknown option '--frob'/],
      [['backup'], /required option '--out/],
      [['restore'], /required option '--from/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, { env })));
    results.forEach((result, i) => expectOneLineUsageError(result, cases[i]?.[1] ?? /./));
  });

  it('rejects a site code that does not exist and an unknown user', async () => {
    expectOneLineUsageError(
      await runCli(
        ['user', 'add', '--email', 'o@b.example', '--name', 'O', '--role', 'officer', '--site', 'NOPE'],
        {
          env,
        },
      ),
      /--site: no site has the code "NOPE"/,
    );
    expectOneLineUsageError(
      await runCli(['token', 'create', '--email', 'nobody@b.example', '--name', 't'], { env }),
      /--email: no user has the email nobody@b.example/,
    );
  });

  it('names the variable of a configuration error', async () => {
    expectOneLineUsageError(await runCli(['migrate'], { env: { ...env, PORT: 'abc' } }), /^vigil: PORT: /);
    expectOneLineUsageError(await runCli(['serve'], { env: { ...env, PORT: '99999' } }), /^vigil: PORT: /);
    expectOneLineUsageError(
      await runCli(['migrate'], { env: { ...env, DATABASE_URL: 'mysql://db/vigil' } }),
      /^vigil: DATABASE_URL: must be a URL starting with postgres:/,
    );
  });
});

describe.each(dialects)('vigil token create (%s)', (dialect) => {
  it('prints only the token, and the token works as a bearer token', async () => {
    const fresh = await freshDatabaseEnv(dialect);
    try {
      const add = await runCli(
        ['user', 'add', '--email', 'it@b.example', '--name', 'It', '--role', 'auditor'],
        {
          env: fresh.env,
        },
      );
      expect(add.code, add.stderr).toBe(0);
      const created = await runCli(
        ['token', 'create', '--email', 'it@b.example', '--name', 'ci', '--expires-days', '7'],
        {
          env: fresh.env,
        },
      );
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/^vgl_[A-Za-z0-9_-]{20,}\n$/);
      expect(created.stderr).toBe('');

      const server = await createServer(loadConfig(fresh.env), createLogger('silent'));
      try {
        const me = await server.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${created.stdout.trim()}` },
        });
        expect(me.statusCode).toBe(200);
        expect(me.json()).toMatchObject({ email: 'it@b.example', role: 'auditor', authMethod: 'token' });
        const wrong = await server.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${created.stdout.trim()}x` },
        });
        expect(wrong.statusCode).toBe(401);
      } finally {
        await server.close();
      }
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('vigil audit verify (SQLite file tampered with directly)', () => {
  let template: string;
  let ids: Map<number, string>;
  const ENTRIES = 6;

  beforeAll(async () => {
    template = tempDir();
    const server = await createServer(loadConfig({ VIGIL_DATA_DIR: template }), createLogger('silent'));
    const system = { actor: { type: 'system' as const, id: null, label: 'cli test' }, requestId: null };
    for (let i = 0; i < ENTRIES; i += 1) {
      await createSite(server.ctx, system, { name: `Site ${i}`, code: `T${i}`, timezone: 'UTC' });
    }
    await server.close();
    const db = new BetterSqlite3(path.join(template, 'vigil.db'), { readonly: true });
    ids = new Map(
      db
        .prepare<[], { seq: number; id: string }>('select seq, id from audit_log')
        .all()
        .map((r) => [r.seq, r.id]),
    );
    db.close();
  });

  /** A copy of the intact installation, changed by `tamper`, then checked by `vigil audit verify`. */
  async function verifyAfter(tamper: (db: BetterSqlite3.Database) => void): Promise<CliResult> {
    const dir = tempDir();
    fs.copyFileSync(path.join(template, 'vigil.db'), path.join(dir, 'vigil.db'));
    const db = openAsAttacker(dir);
    tamper(db);
    db.close();
    return runCli(['audit', 'verify'], { env: { VIGIL_DATA_DIR: dir } });
  }

  function expectBrokenAt(result: CliResult, seq: number, reason: RegExp): void {
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`Audit log broken at entry #${seq} (${ids.get(seq) ?? '?'})`);
    expect(result.stderr).toMatch(reason);
  }

  it('exits 0 with the entry count when the chain is intact', async () => {
    const result = await verifyAfter(() => undefined);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Audit log intact: ${ENTRIES} entries verified.\n`);
  });

  it('names an edited entry', async () => {
    const result = await verifyAfter((db) =>
      db.prepare("update audit_log set actor_label = 'someone else' where seq = 3").run(),
    );
    expectBrokenAt(result, 3, /edited/);
  });

  it('names the gap a deleted entry leaves', async () => {
    const result = await verifyAfter((db) => db.prepare('delete from audit_log where seq = 3').run());
    expectBrokenAt(result, 4, /expected entry #3 but found #4 \(entry missing\)/);
  });

  it('names the link an inserted entry breaks, even when the forger hashed it correctly', async () => {
    const result = await verifyAfter((db) => {
      for (let seq = ENTRIES; seq >= 3; seq -= 1)
        db.prepare('update audit_log set seq = seq + 1 where seq = ?').run(seq);
      const previous = db
        .prepare<[], Pick<AuditLogTable, 'hash'>>('select hash from audit_log where seq = 2')
        .get();
      const forged: Omit<AuditLogTable, 'hash'> = {
        seq: 3,
        id: '01900000-0000-7000-8000-000000000000',
        at: new Date().toISOString(),
        actor_type: 'system',
        actor_id: null,
        actor_label: 'forger',
        action: 'site.created',
        entity_type: 'site',
        entity_id: null,
        site_id: null,
        changes: '{}',
        request_id: null,
        prev_hash: previous?.hash ?? '',
      };
      db.prepare(
        `insert into audit_log (seq, id, at, actor_type, actor_id, actor_label, action, entity_type,
           entity_id, site_id, changes, request_id, prev_hash, hash)
         values (@seq, @id, @at, @actor_type, @actor_id, @actor_label, @action, @entity_type,
           @entity_id, @site_id, @changes, @request_id, @prev_hash, @hash)`,
      ).run({ ...forged, hash: hashEntry(forged) });
    });
    // The original entry #3, now #4, no longer links to what precedes it.
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Audit log broken at entry #4 (${ids.get(3) ?? '?'})`);
    expect(result.stderr).toMatch(/does not link to the previous entry/);
  });

  it('names the first of two swapped entries', async () => {
    const result = await verifyAfter((db) => {
      db.prepare('update audit_log set seq = -1 where seq = 3').run();
      db.prepare('update audit_log set seq = 3 where seq = 4').run();
      db.prepare('update audit_log set seq = 4 where seq = -1').run();
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Audit log broken at entry #3 (${ids.get(4) ?? '?'})`);
    expect(result.stderr).toMatch(/does not link to the previous entry/);
  });
});

describe('vigil backup, restore and demo (SQLite)', () => {
  it('backs up, restores into an empty data dir, verifies; refuses a full target and a bad archive', async () => {
    const source = { VIGIL_DATA_DIR: tempDir() };
    const demo = await runCli(['demo'], { env: source });
    expect(demo.code, demo.stderr).toBe(0);
    const archive = path.join(tempDir(), 'vigil.tar.gz');

    const backup = await runCli(['backup', '--out', archive], { env: source });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^Backup written to .*vigil\.tar\.gz \(\d+ tables, \d+ rows, 0 blobs/);
    expectOneLineUsageError(await runCli(['backup', '--out', archive], { env: source }), /already exists/);

    const target = { VIGIL_DATA_DIR: tempDir() };
    const restore = await runCli(['restore', '--from', archive], { env: target });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/Audit log intact: \d+ entries verified\.\n$/);
    const verify = await runCli(['audit', 'verify'], { env: target });
    expect(verify.code).toBe(0);
    const entries = /(\d+) entries/.exec(verify.stdout)?.[1];
    expect(Number(entries)).toBeGreaterThan(300);

    expectOneLineUsageError(
      await runCli(['restore', '--from', archive], { env: target }),
      /^vigil: the target is not empty \(table \w+ has rows\)/,
    );
    const broken = path.join(tempDir(), 'broken.tar.gz');
    fs.writeFileSync(broken, fs.readFileSync(archive).subarray(0, 2000));
    expectOneLineUsageError(
      await runCli(['restore', '--from', broken], { env: { VIGIL_DATA_DIR: tempDir() } }),
      /is not a readable backup archive/,
    );
    expectOneLineUsageError(
      await runCli(['restore', '--from', path.join(tempDir(), 'missing.tar.gz')], {
        env: { VIGIL_DATA_DIR: tempDir() },
      }),
      /does not exist/,
    );
  });

  it('demo prints the accounts and one password that signs in, and refuses a second load', async () => {
    const env = { VIGIL_DATA_DIR: tempDir() };
    const demo = await runCli(['demo'], { env });
    expect(demo.code, demo.stderr).toBe(0);
    const emails = [...demo.stdout.matchAll(/^ {2}(\w+) +(\S+@meridian\.example)/gm)];
    expect(emails.map((m) => m[1]).sort()).toEqual([
      'admin',
      'auditor',
      'employee',
      'hr',
      'investigator',
      'manager',
      'officer',
      'operator',
    ]);
    const password = /^Password for every account: (\S+)$/m.exec(demo.stdout)?.[1] ?? '';
    expect(demo.stdout.match(/Password/g)).toHaveLength(1);

    const server = await createServer(loadConfig(env), createLogger('silent'));
    try {
      const login = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: emails[0]?.[2], password },
      });
      expect(login.statusCode).toBe(200);
    } finally {
      await server.close();
    }
    expectOneLineUsageError(await runCli(['demo'], { env }), /already has users/);
  });

  it('demo --password-stdin uses the given password and does not print it', async () => {
    const env = { VIGIL_DATA_DIR: tempDir() };
    const demo = await runCli(['demo', '--password-stdin'], { env, input: 'a quiet harbour at dawn 77\n' });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).not.toContain('a quiet harbour');
    expect(demo.stdout).toContain('the one given on standard input');
    expectOneLineUsageError(
      await runCli(['demo', '--password-stdin'], { env: { VIGIL_DATA_DIR: tempDir() }, input: 'short\n' }),
      /at least 12 characters/,
    );
  });
});
