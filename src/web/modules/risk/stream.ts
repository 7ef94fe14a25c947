import type { z } from 'zod';
import { problemSchema, type Problem } from '../../../contracts/errors.js';
import { progressEventSchema } from '../../../contracts/risk.js';
import { ApiError } from '../../app/api.js';

export interface StreamEvent {
  event: string;
  data: string;
}

/**
 * Splits server-sent events off the front of a buffer: the complete events, and the incomplete
 * rest to keep for the next chunk (text/event-stream, one `event:` and `data:` line per event).
 */
export function parseEventStream(buffer: string): { events: StreamEvent[]; rest: string } {
  const events: StreamEvent[] = [];
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

const networkProblem: Problem = {
  type: 'about:blank',
  title: 'Network error',
  status: 0,
  code: 'network',
  detail: 'Vigil cannot be reached, or the connection dropped during the run. Try again.',
};

async function problemOf(response: Response): Promise<ApiError> {
  try {
    const parsed = problemSchema.safeParse(await response.json());
    if (parsed.success) return new ApiError(response.status, parsed.data);
  } catch {
    // not JSON: fall through to a generic problem
  }
  return new ApiError(response.status, {
    ...networkProblem,
    title: response.statusText || 'Error',
    status: response.status,
    code: response.status >= 500 ? 'internal' : 'bad_request',
    detail: `The server answered ${response.status} ${response.statusText}.`.trim(),
  });
}

/**
 * Calls a long-running endpoint that streams its progress (`Accept: text/event-stream`), reporting
 * the fraction done, and resolves with its result checked against the contract schema. Errors,
 * before or during the run, are ApiErrors like those of every other call.
 */
export async function callWithProgress<S extends z.ZodType>(
  method: 'GET' | 'POST',
  path: string,
  schema: S,
  options: {
    body?: unknown;
    csrfToken?: string | null;
    onProgress: (fraction: number) => void;
    signal?: AbortSignal;
  },
): Promise<z.output<S>> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, networkProblem);
  }
  if (!response.ok) throw await problemOf(response);
  // A server (or proxy) that does not stream answers with the plain JSON result.
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream') || !response.body) {
    options.onProgress(1);
    return schema.parse(await response.json());
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    let chunk: ReadableStreamReadResult<string>;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError(0, networkProblem);
    }
    if (chunk.done) break;
    const { events, rest } = parseEventStream(buffer + chunk.value);
    buffer = rest;
    for (const { event, data } of events) {
      const payload: unknown = JSON.parse(data);
      if (event === 'progress') options.onProgress(progressEventSchema.parse(payload).fraction);
      else if (event === 'result') {
        await reader.cancel();
        return schema.parse(payload);
      } else if (event === 'error') {
        const problem = problemSchema.parse(payload);
        throw new ApiError(problem.status, problem);
      }
    }
  }
  throw new ApiError(0, networkProblem);
}
