import { errorStatus, type ErrorCode } from '../../contracts/errors.js';

export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error meant for the client: a stable code, a message written for users, and optional field
 * errors. Anything that is not an AppError reaches the client as a masked 500.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldError[],
  ) {
    super(message);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', `${what} not found.`);
export const forbidden = (message = 'You do not have permission to do this.') =>
  new AppError('forbidden', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const badRequest = (message: string, fieldErrors?: FieldError[]) =>
  new AppError('validation_failed', message, fieldErrors);
