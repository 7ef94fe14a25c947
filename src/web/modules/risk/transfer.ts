import { problemSchema } from '../../../contracts/errors.js';
import { importResultSchema } from '../../../contracts/risk.js';
import { ApiError } from '../../app/api.js';
import { searchOf, type RegisterFilters } from './filters.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function failure(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not a problem document
  }
  const parsed = problemSchema.safeParse(body);
  return new ApiError(
    response.status,
    parsed.success
      ? parsed.data
      : {
          type: 'about:blank',
          title: response.statusText || 'Error',
          status: response.status,
          code: response.status >= 500 ? 'internal' : 'bad_request',
          detail: `The server answered ${response.status} ${response.statusText}.`.trim(),
        },
  );
}

async function sendOrNetworkError(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, {
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      code: 'network',
      detail: 'Vigil cannot be reached. Check your connection and try again.',
    });
  }
}

/** Whether a file is a workbook (by name or type); anything else is sent as CSV. */
export function isWorkbook(file: { name: string; type: string }): boolean {
  return file.type === XLSX_TYPE || file.name.toLowerCase().endsWith('.xlsx');
}

/** Imports a register file (CSV or XLSX) as the raw request body; all rows or none. */
export async function importRegister(file: File, csrfToken: string | null) {
  const response = await sendOrNetworkError('/api/v1/risks/import', {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': isWorkbook(file) ? XLSX_TYPE : 'text/csv',
      ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
    },
    body: file,
  });
  if (!response.ok) throw await failure(response);
  return importResultSchema.parse(await response.json());
}

/** Row-by-row errors of a refused import: "rows[3].title" becomes row 3, field "title". */
export function importErrors(error: ApiError): { row: number | null; field: string; message: string }[] {
  return (error.problem.errors ?? []).map(({ path, message }) => {
    const match = /^rows\[(\d+)\]\.?(.*)$/.exec(path);
    return match
      ? { row: Number(match[1]), field: match[2] ?? '', message }
      : { row: null, field: path, message };
  });
}

/** Downloads the register (the filtered view) as CSV or XLSX, named as the server names it. */
export async function exportRegister(filters: RegisterFilters, format: 'csv' | 'xlsx'): Promise<void> {
  const query = searchOf(filters);
  const response = await sendOrNetworkError(
    `/api/v1/risks/export${query === '' ? '?' : `${query}&`}format=${format}`,
    { method: 'GET' },
  );
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = named ?? `risk-register.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
