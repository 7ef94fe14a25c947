import { describe, expect, it } from 'vitest';
import { installFriendlyValidationMessages } from '../../../app/validation.js';
import { emptyIntake, intakeValidator, newAsset, newPerson, newVehicle, toCreateBody } from './form.js';

// As main.tsx does: the messages people see.
installFriendlyValidationMessages();

const site = '01900000-0000-7000-8000-000000000001';
const person = '01900000-0000-7000-8000-000000000002';
const member = '01900000-0000-7000-8000-000000000003';
const validate = intakeValidator(() => 'Europe/Paris');

function filled() {
  return {
    ...emptyIntake(site),
    title: '  Laptop stolen from reception ',
    type: 'theft',
    severity: 'high' as const,
    occurredAt: '2025-03-01T08:30',
    location: ' Lobby ',
    description: 'Left on the desk.',
  };
}

describe('the intake form', () => {
  it('sends what the contract takes, the time read in the site’s zone', () => {
    const values = {
      ...filled(),
      people: [
        { ...newPerson(), role: 'victim' as const, personId: person },
        { ...newPerson(), source: 'name' as const, name: ' Walt Witness ', contact: '' },
      ],
      assets: [{ ...newAsset(), description: 'Laptop', tag: 'IT-0042', value: 1200 }],
      vehicles: [{ ...newVehicle(), plate: 'AB-123-CD', color: 'blue' }],
    };
    expect(validate(values)).toEqual({});
    expect(toCreateBody(values, 'Europe/Paris')).toEqual({
      title: 'Laptop stolen from reception',
      type: 'theft',
      severity: 'high',
      siteId: site,
      occurredAt: '2025-03-01T07:30:00.000Z',
      location: 'Lobby',
      description: 'Left on the desk.',
      people: [
        { role: 'victim', personId: person },
        { role: 'witness', name: 'Walt Witness' },
      ],
      assets: [{ description: 'Laptop', tag: 'IT-0042', value: 1200 }],
      vehicles: [{ plate: 'AB-123-CD', color: 'blue' }],
      confidential: false,
      members: [],
    });
  });

  it('leaves out an occurrence time that was not given, and members of a case that is not confidential', () => {
    const open = toCreateBody({ ...filled(), occurredAt: '', members: [member] }, 'Europe/Paris');
    expect(open.occurredAt).toBeUndefined();
    expect(open.members).toEqual([]);
    const confidential = toCreateBody({ ...filled(), confidential: true, members: [member] }, 'UTC');
    expect(confidential).toMatchObject({
      confidential: true,
      members: [member],
      occurredAt: '2025-03-01T08:30:00.000Z',
    });
  });

  it('names every missing required field', () => {
    const errors = validate(emptyIntake(''));
    expect(Object.keys(errors).sort()).toEqual(['severity', 'siteId', 'title', 'type']);
  });

  it('puts row problems on the field to fix', () => {
    const errors = validate({
      ...filled(),
      people: [newPerson(), { ...newPerson(), source: 'name' as const }],
      assets: [newAsset()],
      vehicles: [newVehicle()],
    });
    expect(errors).toEqual({
      'people.0.personId': 'Choose a person',
      'people.1.name': 'Enter a name',
      'assets.0.description': 'Required',
      'vehicles.0.plate': 'Describe the vehicle or remove it',
    });
  });

  it('mirrors the contract’s limits', () => {
    const errors = validate({
      ...filled(),
      title: 'x'.repeat(301),
      type: 'Not A Key',
      location: 'y'.repeat(501),
    });
    expect(Object.keys(errors).sort()).toEqual(['location', 'title', 'type']);
  });
});
