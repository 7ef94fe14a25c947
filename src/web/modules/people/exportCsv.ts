import Papa from 'papaparse';
import type { Person } from '../../../contracts/people.js';
import type { Site } from '../../../contracts/sites.js';

/** The directory as CSV (RFC 4180); PII columns only for users who may see PII. */
export function peopleCsv(people: Person[], sites: Map<string, Site>, withPii: boolean): string {
  const rows = people.map((person) => ({
    id: person.id,
    site: sites.get(person.siteId)?.code ?? person.siteId,
    kind: person.kind,
    first_name: person.firstName,
    last_name: person.lastName,
    employee_number: person.employeeNumber ?? '',
    department: person.department ?? '',
    title: person.title ?? '',
    status: person.status,
    ...(withPii ? { email: person.email ?? '', phone: person.phone ?? '' } : {}),
    created_at: person.createdAt,
    updated_at: person.updatedAt,
  }));
  // escapeFormulae: a cell such as "=HYPERLINK(...)" must not run as a formula when opened in a spreadsheet.
  return Papa.unparse(rows, { escapeFormulae: true, newline: '\r\n' });
}
