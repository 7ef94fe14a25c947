import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repoRoot, 'dist/cli/main.js');
export const CHROMIUM = '/usr/bin/chromium';

export type E2eDialect = 'sqlite' | 'postgres';

/** The databases to run on: both by default; VIGIL_E2E_DATABASE=sqlite|postgres narrows to one. */
export function e2eDialects(): E2eDialect[] {
  const only = process.env.VIGIL_E2E_DATABASE;
  if (only === 'sqlite' || only === 'postgres') return [only];
  if (only && only !== 'all')
    throw new Error(`VIGIL_E2E_DATABASE must be sqlite, postgres or all, not "${only}"`);
  return ['sqlite', 'postgres'];
}

/** Launches the system Chromium; a missing browser fails the run (it is never a reason to skip). */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: end-to-end tests need it. Install it with: apt-get install -y chromium`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function runCli(args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`vigil ${args.join(' ')} exited ${code}: ${err || out}`)),
    );
    child.stdin.end(stdin);
  });
}

async function waitForReady(baseUrl: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vigil serve exited ${child.exitCode}: ${logs()}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vigil serve was not ready within 60 s: ${logs()}`);
}

export interface RunningVigil {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs the built server as a real child process on a fresh database of the dialect, with an admin
 * created beforehand through the CLI (`user add --password-stdin`), and waits for /readyz.
 */
export async function startVigil(
  dialect: E2eDialect,
  admin: { email: string; name: string; password: string },
): Promise<RunningVigil> {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  if (!fs.existsSync(path.join(repoRoot, 'dist/web/index.html')))
    throw new Error('dist/web is missing: run npm run build first');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    VIGIL_DATA_DIR: dataDir,
    VIGIL_LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.VIGIL_PUBLIC_URL;
  let dropDatabase = (): Promise<void> => Promise.resolve();
  if (dialect === 'postgres') {
    const base = new URL(process.env.VIGIL_E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const name = `vigil_e2e_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: base.toString() });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const dropper = new pg.Client({ connectionString: base.toString() });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    };
  }
  const cleanup = async () => {
    await dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let server: ChildProcess | undefined;
  try {
    await runCli(
      ['user', 'add', '--email', admin.email, '--name', admin.name, '--role', 'admin', '--password-stdin'],
      env,
      `${admin.password}\n`,
    );
    const started = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, started, () => output);
    return {
      baseUrl,
      stop: async () => {
        if (started.exitCode === null) {
          const exited = new Promise((resolve) => started.once('exit', resolve));
          started.kill('SIGTERM');
          await exited;
        }
        await cleanup();
      },
    };
  } catch (error) {
    if (server?.exitCode === null) server.kill('SIGKILL');
    await cleanup();
    throw error;
  }
}

/** Set VIGIL_E2E_SCREENSHOTS=<dir> to keep a picture of each step (to look at the UI by eye). */
export async function snapshot(page: Page, name: string): Promise<void> {
  const dir = process.env.VIGIL_E2E_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Signs in through the login page and waits for the shell to show the user's name. */
export async function signIn(
  page: Page,
  user: { email: string; password: string; name: string },
): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('user-menu').getByText(user.name).waitFor();
}
