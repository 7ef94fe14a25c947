import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { call, type Credentials, type TestEnv } from '../../test/harness.js';

const reported = z.object({ id: z.string(), reference: z.string(), version: z.number() });

/** A multipart/form-data body (for uploads through `app.inject`). */
export function multipart(
  fields: Record<string, string>,
  file?: { field?: string; filename: string; contentType: string; content: Buffer },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----vigil${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Factory: an incident reported through the API, with overrides. */
export async function reportIncident(
  t: TestEnv,
  as: Credentials,
  siteId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; reference: string; version: number }> {
  const response = await call(t, 'POST', '/api/v1/incidents', {
    as,
    body: {
      title: 'Broken window',
      type: 'vandalism',
      severity: 'medium',
      siteId,
      description: 'Rear door glass.',
      ...overrides,
    },
  });
  const created = reported.safeParse(response.json);
  if (response.status !== 201 || !created.success)
    throw new Error(`reportIncident: ${response.status} ${response.body}`);
  return created.data;
}

/** Uploads bytes as evidence through `app.inject` (the answer's body is left for the test to parse). */
export async function uploadBytes(
  t: TestEnv,
  as: Credentials,
  incidentId: string,
  content: Buffer,
  filename = 'photo.jpg',
  description?: string,
  contentType = 'image/jpeg',
) {
  const body = multipart(description ? { description } : {}, { filename, contentType, content });
  const response = await t.server.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${incidentId}/evidence`,
    headers: { ...as.headers, ...body.headers },
    payload: body.payload,
  });
  return { status: response.statusCode, body: response.body, headers: response.headers };
}
