import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { errorStatus, type ErrorCode, type Problem } from '../../../contracts/errors.js';
import { AppError, type FieldError } from '../errors.js';

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  428: 'Precondition required',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Writes an RFC 9457 problem+json answer with a stable code. */
export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
): FastifyReply {
  const status = errorStatus[code];
  const body: Problem = {
    type: `https://vigil.dev/problems/${code.replaceAll('_', '-')}`,
    title: titles[status] ?? 'Error',
    status,
    code,
    detail,
    requestId: reply.request.id,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
  return reply.status(status).type('application/problem+json').serializer(JSON.stringify).send(body);
}

// Fastify's own client errors, mapped to Vigil's codes and user-facing words.
const fastifyCodes: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['malformed_json', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed_json', 'The request body is empty but JSON was declared.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'This content type is not accepted here.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'The Content-Length header does not match the body.'],
  FST_ERR_CTP_INVALID_TYPE: ['unsupported_media_type', 'The Content-Type header is not valid.'],
  FST_ERR_VALIDATION: ['validation_failed', 'The request is not valid.'],
};

/**
 * The one error handler: client errors become problem+json with a stable code; anything else is
 * logged with its stack and answered as a masked 500 that says nothing about the internals.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    return sendProblem(reply, error.code, error.message, error.fieldErrors);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)]
        .filter(Boolean)
        .join('.'),
      message: issue.message ?? 'invalid',
    }));
    const first = errors[0];
    const detail = first ? `${first.path}: ${first.message}` : 'The request is not valid.';
    return sendProblem(reply, 'validation_failed', detail, errors);
  }
  const mapped = error.code ? fastifyCodes[error.code] : undefined;
  if (mapped) return sendProblem(reply, mapped[0], mapped[1]);
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, url: request.routeOptions.url }, 'response did not match its schema');
    return sendProblem(reply, 'internal', 'Something went wrong on our side. The error has been logged.');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    if (status === 429) return sendProblem(reply, 'rate_limited', 'Too many requests; try again later.');
    if (status === 413) return sendProblem(reply, 'payload_too_large', 'The request body is too large.');
    if (status === 415)
      return sendProblem(reply, 'unsupported_media_type', 'This content type is not accepted here.');
    return sendProblem(reply, 'bad_request', 'The request could not be understood.');
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, 'internal', 'Something went wrong on our side. The error has been logged.');
}
