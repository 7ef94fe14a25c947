// Upload client for bench/incidents.ts, in its own process so that generating the bytes does not
// compete with the server for its event loop. Usage: node incidents-upload-client.mjs URL AUTH BYTES
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [url, authorization, bytesArg] = process.argv.slice(2);
const size = Number(bytesArg);
const chunk = 1024 * 1024;
const seed = randomBytes(chunk);
const boundary = `----bench${randomBytes(8).toString('hex')}`;

async function* body() {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  for (let sent = 0; sent < size; sent += chunk) yield seed;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

const started = performance.now();
const answer = await new Promise((resolve, reject) => {
  const request = http.request(url, {
    method: 'POST',
    headers: { authorization, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  request.on('response', (response) => {
    let text = '';
    response.on('data', (data) => (text += data));
    response.on('end', () => resolve({ status: response.statusCode, body: text }));
  });
  request.on('error', reject);
  pipeline(Readable.from(body()), request).catch(reject);
});
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ status: answer.status, ms, bytes: size })}\n`);
