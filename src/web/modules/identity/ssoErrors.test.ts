import { describe, expect, it } from 'vitest';
import { ssoErrorCodes } from '../../../contracts/identity.js';
import { ssoErrorMessage } from './ssoErrors.js';

describe('ssoErrorMessage', () => {
  it('explains every code the callback can send, each in its own words', () => {
    const texts = ssoErrorCodes.map(ssoErrorMessage);
    expect(new Set(texts).size).toBe(ssoErrorCodes.length);
    expect(ssoErrorMessage('sso_no_role')).toMatch(/not in a group that gives access/);
    expect(ssoErrorMessage('sso_disabled')).toMatch(/account is disabled/);
  });

  it('answers a generic message for unknown codes, including names inherited by every object', () => {
    const generic = 'Single sign-on did not complete. Try again, or sign in with your password.';
    for (const code of ['', 'sso_whatever', 'toString', '__proto__', 'constructor'])
      expect(ssoErrorMessage(code)).toBe(generic);
  });
});
