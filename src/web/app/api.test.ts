import { describe, expect, it } from 'vitest';
import { ApiError, etagOf, parseRetryAfter } from './api.js';

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
