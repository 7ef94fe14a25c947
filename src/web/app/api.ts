import type { z } from 'zod';
import { listOf, type ListPage } from '../../contracts/common.js';
import { problemSchema, type Problem } from '../../contracts/errors.js';

/** A failed API call, carrying the server's problem+json answer (or one made up for network failures). */
export class ApiError extends Error {
  /** How long the server asked to wait before trying again (Retry-After of a 429 or 503), when it said. */
  retryAfterSeconds: number | null = null;

  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get code(): string {
    return this.problem.code;
  }

  /**
   * Field errors keyed by form field. Schema errors name the request part ("body.email"), service
   * errors name the field ("email"); array items ("sites.0") belong to their field.
   */
  get fieldErrors(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const { path, message } of this.problem.errors ?? []) {
      const segments = path
        .split('.')
        .filter((segment) => !['body', 'querystring', 'params'].includes(segment));
      const field = segments.find((segment) => !/^\d+$/.test(segment));
      if (field && !(field in result)) result[field] = message;
    }
    return result;
  }
}

/** The message to show a person for any error thrown by a query or mutation. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** Seconds to wait from a Retry-After header: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // An HTTP date names its day and month ("Sun, 01 Mar 2026 10:02:30 GMT"); Date.parse alone would take "-5" as a year.
  const at = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** The ETag of a versioned record listed inside another answer (the server's `"v<version>"`). */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/** Whether the error is the answer to a stale If-Match: someone else saved the record first. */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.status === 412;
}

// The session's CSRF token. The cookie is HttpOnly, so the token comes from GET /me or the sign-in answer.
let csrfToken: string | null = null;

/** Remembers the CSRF token of the current session (null after sign-out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

function urlOf(path: string, query?: QueryParams): string {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url.pathname + url.search;
}

/** The error for an answer that is not 2xx: the server's problem+json, or one made up from the status. */
function problemFrom(status: number, statusText: string, body: unknown): ApiError {
  const parsed = problemSchema.safeParse(body);
  if (parsed.success) return new ApiError(status, parsed.data);
  return new ApiError(status, {
    type: 'about:blank',
    title: statusText || 'Error',
    status,
    code: status >= 500 ? 'internal' : 'bad_request',
    detail: `The server answered ${status} ${statusText}.`.trim(),
  });
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status alone describes the failure
  }
  return problemFrom(response.status, response.statusText, body);
}

function networkError(): ApiError {
  return new ApiError(0, {
    type: 'about:blank',
    title: 'Network error',
    status: 0,
    code: 'network',
    detail: 'Vigil cannot be reached. Check your connection and try again.',
  });
}

async function send(
  method: Method,
  path: string,
  options: { query?: QueryParams; body?: unknown; ifMatch?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  let response: Response;
  try {
    response = await fetch(urlOf(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
  } catch {
    throw networkError();
  }
  if (!response.ok) {
    const error = await problemOf(response);
    error.retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    throw error;
  }
  return response;
}

/** GET a resource and check its shape against the contract schema. */
export async function apiGet<S extends z.ZodType>(
  path: string,
  schema: S,
  query?: QueryParams,
): Promise<z.output<S>> {
  const response = await send('GET', path, query ? { query } : {});
  return schema.parse(await response.json());
}

/** A resource with the ETag to send back in If-Match when changing it. */
export interface Versioned<T> {
  data: T;
  etag: string;
}

/** GET a versioned resource together with its ETag. */
export async function apiGetVersioned<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<Versioned<z.output<S>>> {
  const response = await send('GET', path);
  const etag = response.headers.get('etag');
  if (!etag) throw new Error(`The server sent no ETag for ${path}.`);
  return { data: schema.parse(await response.json()), etag };
}

/** POST, PATCH, PUT or DELETE with the CSRF header (and If-Match when given); checks the answer's shape. */
export async function apiSend<S extends z.ZodType>(
  method: Exclude<Method, 'GET'>,
  path: string,
  schema: S,
  body?: unknown,
  options: { ifMatch?: string } = {},
): Promise<z.output<S>> {
  const response = await send(method, path, { body, ...options });
  return schema.parse(await response.json());
}

/** One page of a collection (`{ items, nextCursor }`). */
export function apiPage<S extends z.ZodType>(
  path: string,
  item: S,
  query: QueryParams,
): Promise<ListPage<z.output<S>>> {
  return apiGet(path, listOf(item), query);
}

/** Every item of a collection, following cursors (for exports and pick lists), up to `max` items. */
export async function apiAll<S extends z.ZodType>(
  path: string,
  item: S,
  query: QueryParams = {},
  max = 10_000,
): Promise<{ items: z.output<S>[]; truncated: boolean }> {
  const items: z.output<S>[] = [];
  let cursor: string | null = null;
  do {
    const page: ListPage<z.output<S>> = await apiPage(path, item, { ...query, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < max);
  return { items, truncated: cursor !== null };
}

/** How far an upload has got: bytes sent so far of the whole request body. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * POSTs a multipart form (file uploads) with the CSRF header, reporting progress as the bytes go
 * out — fetch has no upload progress, so this uses XMLHttpRequest. Aborting `signal` cancels the
 * upload and rejects with an AbortError; failures reject with an ApiError like every other call.
 */
export function apiUpload<S extends z.ZodType>(
  path: string,
  form: FormData,
  schema: S,
  options: { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<z.output<S>> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('accept', 'application/json');
    if (csrfToken) request.setRequestHeader('x-csrf-token', csrfToken);
    const { onProgress, signal } = options;
    if (onProgress) {
      request.upload.onprogress = (event) =>
        onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0 });
    }
    const abort = () => request.abort();
    const settle = () => signal?.removeEventListener('abort', abort);
    request.onload = () => {
      settle();
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON: an error page from a proxy, or nothing
      }
      if (request.status < 200 || request.status >= 300) {
        reject(problemFrom(request.status, request.statusText, body));
        return;
      }
      const parsed = schema.safeParse(body);
      if (parsed.success) resolve(parsed.data);
      else reject(parsed.error);
    };
    request.onerror = () => {
      settle();
      reject(networkError());
    };
    request.onabort = () => {
      settle();
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
    };
    if (signal?.aborted) {
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
      return;
    }
    signal?.addEventListener('abort', abort);
    request.send(form);
  });
}

/**
 * Downloads a file the API serves (an export) under the name the server gives it, or `fallbackName`.
 * Fetched first, so a refusal shows as an ApiError instead of a broken download.
 */
export async function apiDownload(path: string, query: QueryParams, fallbackName: string): Promise<void> {
  const response = await send('GET', path, { query });
  const blob = await response.blob();
  const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = named ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the browser reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
