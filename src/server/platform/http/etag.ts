import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/** The ETag of a versioned resource. */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/** Sets the ETag header of a response for a versioned resource. */
export function sendVersioned<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  void reply.header('etag', etagOf(resource.version));
  return resource;
}

/**
 * The version an update was based on, from If-Match. Missing → 428 (an update must say which
 * version it changes, so two editors cannot overwrite each other); unparseable → 412.
 */
export function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (header === undefined || header === '') {
    throw new AppError(
      'precondition_required',
      'Send If-Match with the ETag of the version you are changing.',
    );
  }
  const match = /^(?:W\/)?"v(\d{1,9})"$/.exec(header.trim());
  if (!match?.[1])
    throw new AppError('precondition_failed', 'The resource has changed since you read it; reload it.');
  return Number(match[1]);
}
