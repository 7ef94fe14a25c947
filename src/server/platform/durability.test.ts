import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startServerProcess, type ServerProcess } from '../test/process.js';

/*
 * The real process, killed for real: these tests spawn `node dist/cli/main.js serve` on SQLite
 * (`npm run build` first) and send it SIGKILL or SIGTERM.
 */

const ADMIN = 'ops@durability.example';

async function installation() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-durability-'));
  const env = { VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'error' };
  const add = await runCli(['user', 'add', '--email', ADMIN, '--name', 'Ops', '--role', 'admin'], { env });
  expect(add.code, add.stderr).toBe(0);
  const token = await runCli(['token', 'create', '--email', ADMIN, '--name', 'durability'], { env });
  expect(token.code, token.stderr).toBe(0);
  return { dataDir, env, token: token.stdout.trim() };
}

async function allSites(server: ServerProcess, token: string): Promise<{ id: string; code: string }[]> {
  const sites: { id: string; code: string }[] = [];
  let cursor: string | null = null;
  do {
    const response = await fetch(`${server.url}/api/v1/sites?limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as {
      items: { id: string; code: string }[];
      nextCursor: string | null;
    };
    sites.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return sites;
}

describe('durability of a real server process (SQLite)', () => {
  const running: ServerProcess[] = [];
  const dirs: string[] = [];
  beforeAll(() => assertBuilt());
  afterEach(async () => {
    for (const server of running.splice(0)) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write, exactly once, across kill -9', async () => {
    const { dataDir, env, token } = await installation();
    dirs.push(dataDir);
    const server = await startServerProcess(env);
    running.push(server);

    const acked = new Map<string, string>();
    let attempts = 0;
    let stop = false;
    const writer = async (lane: number) => {
      for (let i = 0; !stop; i += 1) {
        const code = `D${lane}-${i}`;
        attempts += 1;
        try {
          const response = await fetch(`${server.url}/api/v1/sites`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: `Durable ${code}`, code, timezone: 'UTC' }),
          });
          if (response.status === 201) {
            const body = (await response.json()) as { id: string };
            acked.set(code, body.id);
          }
        } catch {
          // The connection died with the process: not acknowledged, so no promise was made.
        }
      }
    };
    const lanes = Array.from({ length: 8 }, (_, lane) => writer(lane));
    while (acked.size < 150) await new Promise((resolve) => setTimeout(resolve, 5));
    server.child.kill('SIGKILL');
    const exit = await server.exited;
    stop = true;
    await Promise.all(lanes);
    expect(exit.signal).toBe('SIGKILL');
    // The kill landed mid-stream: requests were still being sent.
    expect(attempts).toBeGreaterThan(acked.size);

    const restarted = await startServerProcess(env);
    running.push(restarted);
    const sites = await allSites(restarted, token);
    const byCode = new Map<string, string[]>();
    for (const site of sites) byCode.set(site.code, [...(byCode.get(site.code) ?? []), site.id]);
    for (const [code, id] of acked) expect(byCode.get(code), code).toEqual([id]);

    restarted.child.kill('SIGTERM');
    expect((await restarted.exited).code).toBe(0);
    const verify = await runCli(['audit', 'verify'], { env });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/Audit log intact: \d+ entries verified/);
  });

  it('drains in-flight requests on SIGTERM, keeps their writes and exits 0', async () => {
    const { dataDir, env, token } = await installation();
    dirs.push(dataDir);
    const server = await startServerProcess(env);
    running.push(server);

    // Each request sends its headers with "Expect: 100-continue" and holds its body back: the
    // server's "100 Continue" proves it has the request in hand before SIGTERM is sent.
    const inFlight = Array.from({ length: 5 }, (_, i) => {
      const body = JSON.stringify({ name: `Drained ${i}`, code: `DRAIN${i}`, timezone: 'UTC' });
      const request = http.request(`${server.url}/api/v1/sites`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          expect: '100-continue',
        },
      });
      const continued = new Promise<void>((resolve) => request.once('continue', resolve));
      const answered = new Promise<number>((resolve, reject) => {
        request.once('response', (response) => {
          response.resume();
          response.once('end', () => resolve(response.statusCode ?? 0));
        });
        request.once('error', reject);
      });
      request.flushHeaders();
      return { request, body, continued, answered };
    });
    await Promise.all(inFlight.map((r) => r.continued));
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const { request, body } of inFlight) request.end(body);

    expect(await Promise.all(inFlight.map((r) => r.answered))).toEqual([201, 201, 201, 201, 201]);
    const answeredAt = Date.now();
    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Promptly: the clients' idle keep-alive connections do not hold the process open.
    expect(Date.now() - answeredAt).toBeLessThan(2000);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    const restarted = await startServerProcess(env);
    running.push(restarted);
    const codes = (await allSites(restarted, token)).map((s) => s.code).sort();
    expect(codes).toEqual(['DRAIN0', 'DRAIN1', 'DRAIN2', 'DRAIN3', 'DRAIN4']);
  });
});
