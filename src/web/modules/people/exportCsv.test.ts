import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Person } from '../../../contracts/people.js';
import type { Site } from '../../../contracts/sites.js';
import { peopleCsv } from './exportCsv.js';

const site: Site = {
  id: '01900000-0000-7000-8000-000000000001',
  code: 'HQ',
  name: 'Headquarters',
  timezone: 'Europe/Paris',
  address: null,
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};

function person(overrides: Partial<Person> = {}): Person {
  return {
    id: '01900000-0000-7000-8000-0000000000aa',
    siteId: site.id,
    kind: 'employee',
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace@example.com',
    phone: '+1 555 0100',
    employeeNumber: 'E-1',
    department: 'Security, "Physical"',
    title: null,
    status: 'active',
    managerId: null,
    userId: null,
    notes: null,
    piiRedacted: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

const parse = (csv: string) => Papa.parse<Record<string, string>>(csv, { header: true }).data;

describe('peopleCsv', () => {
  it('writes RFC 4180 rows with site codes, quoting commas and quotes', () => {
    const csv = peopleCsv([person()], new Map([[site.id, site]]), true);
    expect(csv.split('\r\n')[0]).toBe(
      'id,site,kind,first_name,last_name,employee_number,department,title,status,email,phone,created_at,updated_at',
    );
    expect(csv).toContain('"Security, ""Physical"""');
    expect(parse(csv)[0]).toMatchObject({
      site: 'HQ',
      email: 'grace@example.com',
      department: 'Security, "Physical"',
    });
  });

  it('leaves out the PII columns for users without people:pii', () => {
    const csv = peopleCsv([person({ email: null, phone: null, piiRedacted: true })], new Map(), false);
    const [row] = parse(csv);
    expect(Object.keys(row ?? {})).not.toContain('email');
    expect(Object.keys(row ?? {})).not.toContain('phone');
    expect(row?.site).toBe(site.id);
  });

  it('defuses cells that a spreadsheet would run as formulas', () => {
    const csv = peopleCsv([person({ firstName: '=HYPERLINK("http://x")', lastName: '+1' })], new Map(), true);
    const [row] = parse(csv);
    expect(row?.first_name).toBe(`'=HYPERLINK("http://x")`);
    expect(row?.last_name).toBe("'+1");
  });
});
