import { describe, expect, it } from 'vitest';
import { incidentTypeKey } from '../../../../contracts/incidents.js';
import { typeKeyOf } from './typeKey.js';

describe('typeKeyOf', () => {
  it('makes a key the contract accepts from a label', () => {
    expect(typeKeyOf('Tailgating / piggy-backing')).toBe('tailgating_piggy_backing');
    expect(typeKeyOf('  Drone sighting ')).toBe('drone_sighting');
    expect(typeKeyOf('Sécurité incendie')).toBe('securite_incendie');
    expect(typeKeyOf('24h lockout')).toBe('h_lockout');
    for (const label of ['Tailgating / piggy-backing', 'Sécurité incendie', 'A'.repeat(80) + ' x'])
      expect(incidentTypeKey.safeParse(typeKeyOf(label)).success).toBe(true);
  });

  it('answers an empty key when the label has no letter to start with', () => {
    expect(typeKeyOf('123 --')).toBe('');
  });
});
