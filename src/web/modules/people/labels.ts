import { personKind, type Person } from '../../../contracts/people.js';

export const kindLabels: Record<Person['kind'], string> = {
  employee: 'Employee',
  contractor: 'Contractor',
  visitor: 'Visitor',
  vendor: 'Vendor',
  other: 'Other',
};

/** The kinds of person, for selects. */
export const kindOptions = personKind.options.map((kind) => ({ value: kind, label: kindLabels[kind] }));
