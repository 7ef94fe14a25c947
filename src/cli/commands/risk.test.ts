import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulationRequest, simulate } from '../../server/modules/risk/index.js';

// Runs the built CLI, as a user would: `npm run build` first (npm run check does).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = path.join(root, 'dist/cli/main.js');

const request = {
  iterations: 5000,
  seed: 77,
  scenarios: [
    {
      id: 'badge-cloning',
      frequency: { type: 'triangular', min: 0.2, mode: 1, max: 3 },
      magnitude: { type: 'pert', min: 500, mode: 2000, max: 40000 },
    },
  ],
};

function vigil(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vigil risk simulate', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before this test`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-risk-cli-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints the engine's JSON for a file and for standard input (exit 0)", async () => {
    const file = path.join(dir, 'request.json');
    fs.writeFileSync(file, JSON.stringify(request));
    const expected = `${JSON.stringify(await simulate(parseSimulationRequest(request), { threads: 0 }))}\n`;
    const fromFile = vigil(['risk', 'simulate', '--in', file]);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(expected);
    const fromStdin = vigil(['risk', 'simulate', '--threads', '1'], JSON.stringify(request));
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(expected);
  });

  it('exits 2 with one line naming the field for invalid input, a bad file or bad JSON', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({
        scenarios: [
          { frequency: { type: 'constant', value: 1 }, magnitude: { type: 'pert', min: 5, mode: 1, max: 3 } },
        ],
      }),
    );
    const invalid = vigil(['risk', 'simulate', '--in', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toBe('vigil: scenarios[0].magnitude: min must be ≤ mode ≤ max\n');

    for (const [args, input, pattern] of [
      [
        ['risk', 'simulate', '--in', path.join(dir, 'missing.json')],
        undefined,
        /^vigil: --in: cannot read .*ENOENT/,
      ],
      [['risk', 'simulate'], '{"scenarios": [', /^vigil: stdin: not valid JSON/],
      [['risk', 'simulate'], JSON.stringify({ ...request, iterations: 0 }), /^vigil: iterations: /],
      [
        ['risk', 'simulate', '--threads', '0'],
        JSON.stringify(request),
        /--threads must be a positive whole number/,
      ],
    ] as const) {
      const result = vigil([...args], input);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(pattern);
    }
  });
});
