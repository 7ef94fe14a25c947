import { describe, expect, it } from 'vitest';
import { ApiError } from './api.js';

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
