import { describe, expect, it } from 'vitest';
import { createConcernBody } from '../../../../contracts/incidents.js';
import { emptyConcern, toConcernBody } from './form.js';

const siteId = '01900000-0000-7000-8000-000000000001';

describe('toConcernBody', () => {
  it('sends only what was filled in, trimmed', () => {
    const body = toConcernBody({ ...emptyConcern, description: '  A door was propped open  ' }, false);
    expect(body).toEqual({ description: 'A door was propped open', anonymous: true });
    expect(createConcernBody.safeParse(body).success).toBe(true);
  });

  it('keeps the site and the choice to give one’s name only for a signed-in reporter', () => {
    const values = {
      ...emptyConcern,
      description: 'Tailgating at gate 2',
      title: 'Tailgating',
      type: 'trespass',
      siteId,
      location: 'Gate 2',
      occurredOn: '2026-02-27',
      anonymous: false,
    };
    expect(toConcernBody(values, true)).toEqual({
      description: 'Tailgating at gate 2',
      title: 'Tailgating',
      type: 'trespass',
      siteId,
      location: 'Gate 2',
      occurredOn: '2026-02-27',
      anonymous: false,
    });
    const signedOut = toConcernBody(values, false);
    expect(signedOut.anonymous).toBe(true);
    expect(signedOut).not.toHaveProperty('siteId');
  });

  it('leaves an empty description empty, so the contract check flags it', () => {
    const body = toConcernBody({ ...emptyConcern, description: '   ' }, false);
    expect(createConcernBody.safeParse(body).success).toBe(false);
  });
});
