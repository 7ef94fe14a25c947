import { randomId } from '@mantine/hooks';
import { useForm } from '@mantine/form';
import {
  createIncidentBody,
  type CreateIncident,
  type personRoles,
  type Severity,
} from '../../../../contracts/incidents.js';
import type { FormErrors } from '../../../app/forms.js';
import { validateWith } from '../../../app/validation.js';
import { zonedTimeToIso } from './zonedTime.js';

type PersonRole = (typeof personRoles)[number];

/** Someone involved: a person of the directory, or a name typed in (a visitor, a passer-by). */
export interface PersonRow {
  key: string;
  role: PersonRole;
  source: 'directory' | 'name';
  personId: string | null;
  name: string;
  contact: string;
}

export interface AssetRow {
  key: string;
  description: string;
  tag: string;
  value: number | string;
}

export interface VehicleRow {
  key: string;
  plate: string;
  make: string;
  model: string;
  color: string;
  description: string;
}

/** The intake form as typed. `occurredAt` is wall-clock time in the site's zone. */
export interface IntakeValues {
  title: string;
  type: string;
  severity: Severity | '';
  siteId: string;
  occurredAt: string;
  location: string;
  description: string;
  people: PersonRow[];
  assets: AssetRow[];
  vehicles: VehicleRow[];
  confidential: boolean;
  members: string[];
}

/** Fields of the form that server errors can land on (`showProblemOnForm`). */
export const intakeFields = [
  'title',
  'type',
  'severity',
  'siteId',
  'occurredAt',
  'location',
  'description',
  'people',
  'assets',
  'vehicles',
  'confidential',
  'members',
] as const;

export function emptyIntake(siteId: string): IntakeValues {
  return {
    title: '',
    type: '',
    severity: '',
    siteId,
    occurredAt: '',
    location: '',
    description: '',
    people: [],
    assets: [],
    vehicles: [],
    confidential: false,
    members: [],
  };
}

export const newPerson = (): PersonRow => ({
  key: randomId(),
  role: 'witness',
  source: 'directory',
  personId: null,
  name: '',
  contact: '',
});
export const newAsset = (): AssetRow => ({ key: randomId(), description: '', tag: '', value: '' });
export const newVehicle = (): VehicleRow => ({
  key: randomId(),
  plate: '',
  make: '',
  model: '',
  color: '',
  description: '',
});

/** Blank optional text is left out of the request. */
const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

function personOf(row: PersonRow) {
  if (row.source === 'directory') return { role: row.role, personId: row.personId ?? undefined };
  return { role: row.role, name: row.name.trim(), contact: optional(row.contact) };
}

/**
 * What the form would send, before the contract checks it: the occurrence time read in the site's
 * zone, blank optional text left out. Nothing is dropped silently: an unfinished row stays in, so
 * that validation names it. `createIncidentBody.parse` of a valid draft is the request body.
 */
export function toDraft(values: IntakeValues, timeZone: string) {
  return {
    title: values.title,
    // Unchosen options are missing ("Required"), not malformed.
    type: values.type === '' ? undefined : values.type,
    severity: values.severity === '' ? undefined : values.severity,
    siteId: values.siteId === '' ? undefined : values.siteId,
    occurredAt: values.occurredAt
      ? (zonedTimeToIso(values.occurredAt, timeZone) ?? values.occurredAt)
      : undefined,
    location: optional(values.location),
    description: values.description,
    people: values.people.map(personOf),
    assets: values.assets.map((row) => ({
      description: row.description,
      tag: optional(row.tag),
      value: typeof row.value === 'number' ? row.value : undefined,
    })),
    vehicles: values.vehicles.map((row) => ({
      plate: optional(row.plate),
      make: optional(row.make),
      model: optional(row.model),
      color: optional(row.color),
      description: optional(row.description),
    })),
    confidential: values.confidential,
    // Members matter for a confidential case only: the others are seen by everyone in their scope.
    members: values.confidential ? values.members : [],
  };
}

/** The request body of a valid form. */
export function toCreateBody(values: IntakeValues, timeZone: string): CreateIncident {
  return createIncidentBody.parse(toDraft(values, timeZone));
}

/**
 * Checks the form against the contract (`createIncidentBody`), plus what the contract checks on a
 * whole person (directory person or name) and vehicle (at least one detail), put on the field to fix.
 */
export function intakeValidator(timeZoneOf: (siteId: string) => string) {
  const byContract = validateWith(createIncidentBody, (values: IntakeValues) =>
    toDraft(values, timeZoneOf(values.siteId)),
  );
  return (values: IntakeValues): FormErrors => {
    const errors: FormErrors = { ...byContract(values) };
    values.people.forEach((row, index) => {
      if (row.source === 'directory' && !row.personId) errors[`people.${index}.personId`] = 'Choose a person';
      if (row.source === 'name' && row.name.trim() === '') errors[`people.${index}.name`] = 'Enter a name';
    });
    values.vehicles.forEach((row, index) => {
      if ([row.plate, row.make, row.model, row.color, row.description].every((text) => text.trim() === ''))
        errors[`vehicles.${index}.plate`] = 'Describe the vehicle or remove it';
    });
    // A row-level refine of the contract has no field of its own; its message is on the field above.
    return Object.fromEntries(Object.entries(errors).filter(([key]) => !/^people\.\d+$/.test(key)));
  };
}

/** The intake form, empty, checked against the contract with times read in the site's zone. */
export function useIntakeForm(timeZoneOf: (siteId: string) => string) {
  return useForm<IntakeValues>({ initialValues: emptyIntake(''), validate: intakeValidator(timeZoneOf) });
}

/** The intake form's state and helpers, as the field groups get them. */
export type IntakeForm = ReturnType<typeof useIntakeForm>;
