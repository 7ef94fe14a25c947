#!/usr/bin/env node
// The `vigil` command. Runs the compiled CLI (npm install builds it through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  process.stderr.write('vigil: not built yet; run `npm run build` in the checkout first\n');
  process.exit(1);
}
await import(compiled);
