import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, apiUpload, etagOf, parseRetryAfter, setCsrfToken, type UploadProgress } from './api.js';

const problem = (errors: { path: string; message: string }[]) =>
  new ApiError(400, {
    type: 'https://vigil.dev/problems/validation-failed',
    title: 'Bad request',
    status: 400,
    code: 'validation_failed',
    detail: 'body.email: Invalid email address',
    errors,
  });

describe('ApiError.fieldErrors', () => {
  it('maps schema paths (body.x) and service paths (x) to form fields', () => {
    const error = problem([
      { path: 'body.email', message: 'Invalid email address' },
      { path: 'code', message: 'already in use' },
    ]);
    expect(error.fieldErrors).toEqual({ email: 'Invalid email address', code: 'already in use' });
    expect(error.message).toBe('body.email: Invalid email address');
  });

  it('puts array item errors on the array field and keeps the first message per field', () => {
    const error = problem([
      { path: 'body.sites.1', message: 'Invalid UUID' },
      { path: 'sites', message: 'unknown site 0190…' },
    ]);
    expect(error.fieldErrors).toEqual({ sites: 'Invalid UUID' });
  });

  it('has no field errors when the problem names none', () => {
    expect(problem([]).fieldErrors).toEqual({});
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-03-01T10:00:00.000Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('596', now)).toBe(596);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:02:30 GMT', now)).toBe(150);
  });

  it('never answers a negative wait, and nothing for a missing or unreadable header', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('etagOf', () => {
  it("is the server's ETag of a version", () => {
    expect(etagOf(3)).toBe('"v3"');
  });
});

/** Stands in for the browser's XMLHttpRequest: records what was sent, answers when told to. */
class FakeRequest {
  static last: FakeRequest | null = null;
  headers: Record<string, string> = {};
  method = '';
  url = '';
  sent: unknown = null;
  status = 0;
  statusText = '';
  responseText = '';
  aborted = false;
  upload: {
    onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null;
  } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeRequest.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.sent = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.statusText = status === 201 ? 'Created' : 'Conflict';
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

describe('apiUpload', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });
  const uploaded = z.object({ id: z.string(), sha256: z.string() });
  const current = () => {
    if (!FakeRequest.last) throw new Error('no request was made');
    return FakeRequest.last;
  };

  it('posts the form with the CSRF header, reports progress and parses the answer', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeRequest);
    setCsrfToken('token-1');
    const progress: UploadProgress[] = [];
    const form = new FormData();
    form.set('description', 'CCTV export');
    const done = apiUpload('/api/v1/incidents/1/evidence', form, uploaded, {
      onProgress: (p) => progress.push(p),
    });
    const request = current();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/incidents/1/evidence');
    expect(request.headers['x-csrf-token']).toBe('token-1');
    expect(request.sent).toBe(form);
    request.upload.onprogress?.({ loaded: 512, total: 2048, lengthComputable: true });
    request.upload.onprogress?.({ loaded: 2048, total: 2048, lengthComputable: true });
    request.answer(201, { id: 'e1', sha256: 'ab'.repeat(32) });
    await expect(done).resolves.toEqual({ id: 'e1', sha256: 'ab'.repeat(32) });
    expect(progress).toEqual([
      { loaded: 512, total: 2048 },
      { loaded: 2048, total: 2048 },
    ]);
  });

  it('turns a problem answer into an ApiError and a lost connection into a network error', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeRequest);
    const refused = apiUpload('/x', new FormData(), uploaded);
    current().answer(409, {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'conflict',
      detail: 'The case is closed; reopen it to add evidence.',
    });
    const error = await refused.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
    expect((error as ApiError).message).toBe('The case is closed; reopen it to add evidence.');

    const lost = apiUpload('/x', new FormData(), uploaded);
    current().onerror?.();
    await expect(lost).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('cancels the upload when its signal aborts', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeRequest);
    const controller = new AbortController();
    const upload = apiUpload('/x', new FormData(), uploaded, { signal: controller.signal });
    controller.abort();
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    expect(current().aborted).toBe(true);
  });
});
