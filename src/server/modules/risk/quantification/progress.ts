import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorStatus, type Problem } from '../../../../contracts/errors.js';
import { AppError } from '../../../platform/errors.js';
import type { RunControl } from './service.js';

/** Whether the caller asked to follow a long run as a stream of server-sent events. */
export function wantsProgress(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

const titles: Partial<Record<number, string>> = {
  400: 'Bad request',
  404: 'Not found',
  409: 'Conflict',
  500: 'Internal server error',
  503: 'Service unavailable',
};

// The same problem+json the error handler writes, for errors that happen after the stream started.
function problemFor(error: unknown, request: FastifyRequest): Problem {
  const known = error instanceof AppError;
  const code = known ? error.code : 'internal';
  if (!known) request.log.error({ err: error }, 'a streamed run failed');
  const status = errorStatus[code];
  return {
    type: `https://vigil.dev/problems/${code.replaceAll('_', '-')}`,
    title: titles[status] ?? 'Error',
    status,
    code,
    detail: known ? error.message : 'Something went wrong on our side. The error has been logged.',
    requestId: request.id,
    ...(known && error.fieldErrors?.length ? { errors: error.fieldErrors } : {}),
  };
}

/** Progress is sent when it moved by at least this much (and always at 0 and at the end). */
const PROGRESS_STEP = 0.01;

/**
 * Runs a long piece of work for a request. A plain caller gets the answer as usual (JSON, with
 * `status`). A caller that accepts `text/event-stream` gets `progress` events ({ fraction }), then
 * one `result` event with the same JSON, or one `error` event with a problem: once the stream has
 * started, the HTTP status is already 200, so failures travel in the stream. Leaving stops the run.
 * Check what can be checked (scope, limits) before calling this, so those answer with a status.
 */
export async function runWithProgress<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  work: (run: RunControl) => Promise<T>,
): Promise<T | FastifyReply> {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client went away'));
  });
  if (!wantsProgress(request)) {
    const result = await work({ signal: controller.signal });
    return reply.status(status).send(result);
  }
  const stream = new PassThrough();
  const emit = (event: string, data: unknown) => {
    if (!stream.writableEnded) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let sent = -1;
  const onProgress = (fraction: number) => {
    if (fraction < 1 && fraction - sent < PROGRESS_STEP) return;
    sent = fraction;
    emit('progress', { fraction });
  };
  onProgress(0);
  void work({ signal: controller.signal, onProgress }).then(
    (result) => {
      if (sent < 1) emit('progress', { fraction: 1 });
      emit('result', result);
      stream.end();
    },
    (error: unknown) => {
      if (!controller.signal.aborted) emit('error', problemFor(error, request));
      stream.end();
    },
  );
  return reply
    .status(200)
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('x-accel-buffering', 'no')
    .send(stream);
}
