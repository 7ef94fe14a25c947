/*
 * A Vigil server in its own process, for the streaming-upload test: it prints how to reach it,
 * samples its own resident memory while the parent uploads, and prints the peak when told to stop.
 */
import { makeSite, makeUser, startTestServer, tokenFor } from '../../test/harness.js';
import { reportIncident } from './testing.js';

const dialect = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const t = await startTestServer(dialect, { VIGIL_EVIDENCE_MAX_BYTES: String(1024 ** 3) });
const site = await makeSite(t);
const credentials = await tokenFor(t, await makeUser(t, 'admin'));
const incident = await reportIncident(t, credentials, site.id);
const url = await t.server.app.listen({ host: '127.0.0.1', port: 0 });

const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
process.stdout.write(
  `${JSON.stringify({ url, headers: credentials.headers, incidentId: incident.id, baseline })}\n`,
);

process.stdin.once('data', () => {
  clearInterval(sampler);
  process.stdout.write(`${JSON.stringify({ baseline, peak, heapLimit: process.memoryUsage().heapTotal })}\n`);
  void t.close().then(() => process.exit(0));
});
