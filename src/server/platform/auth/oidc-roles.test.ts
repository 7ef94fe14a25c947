import { describe, expect, it } from 'vitest';
import { roles } from '../../../contracts/access.js';
import { ConfigError, loadConfig } from '../config.js';
import { oidcSettingsFrom } from './oidc.js';
import { groupsFromClaims, parseRoleMap, roleForGroups, rolePrecedence } from './oidc-roles.js';

describe('OIDC role mapping', () => {
  it('ranks every role exactly once', () => {
    expect([...rolePrecedence].sort()).toEqual([...roles].sort());
  });

  it('parses group=role pairs, tolerating spaces and empty entries', () => {
    const map = parseRoleMap(' security-admins=admin, soc = operator,,guards=officer,cn=hr,ou=x=hr ');
    expect([...map]).toEqual([
      ['security-admins', 'admin'],
      ['soc', 'operator'],
      ['guards', 'officer'],
      ['cn', 'hr'],
      ['ou=x', 'hr'],
    ]);
    expect(parseRoleMap('').size).toBe(0);
  });

  it.each([
    ['soc=king', /"king" \(for group "soc"\) is not a role/],
    ['soc', /"soc" is not of the form group=role/],
    ['=admin', /"=admin" is not of the form group=role/],
    ['soc=', /"soc=" is not of the form group=role/],
    ['soc=admin,soc=officer', /group "soc" is mapped to both admin and officer/],
  ])('rejects %j with a ConfigError naming VIGIL_OIDC_ROLE_MAP', (raw, message) => {
    const attempt = () => parseRoleMap(raw);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^VIGIL_OIDC_ROLE_MAP: /);
    expect(attempt).toThrow(message);
  });

  it('picks the most privileged mapped role, whatever the order of the groups', () => {
    const map = parseRoleMap('guards=officer,soc=operator,audit=auditor,people=hr,cases=investigator');
    expect(roleForGroups(['guards', 'soc'], map)).toBe('operator');
    expect(roleForGroups(['soc', 'guards'], map)).toBe('operator');
    expect(roleForGroups(['audit', 'people', 'guards'], map)).toBe('hr');
    expect(roleForGroups(['cases', 'audit'], map)).toBe('investigator');
    expect(roleForGroups(['marketing'], map)).toBeNull();
    expect(roleForGroups([], map)).toBeNull();
  });

  it('reads the groups claim as an array, a single string, or a nested path', () => {
    expect(groupsFromClaims({ groups: ['a', 'b', 3] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsFromClaims({ groups: 'a' }, 'groups')).toEqual(['a']);
    expect(groupsFromClaims({}, 'groups')).toEqual([]);
    expect(groupsFromClaims({ groups: { a: 1 } }, 'groups')).toEqual([]);
    expect(groupsFromClaims({ realm_access: { roles: ['soc'] } }, 'realm_access.roles')).toEqual(['soc']);
    expect(groupsFromClaims({ 'https://x.test/groups': ['soc'] }, 'https://x.test/groups')).toEqual(['soc']);
  });
});

describe('OIDC settings', () => {
  const base = { VIGIL_DATA_DIR: '/tmp/vigil-unused' };

  it('are off without an issuer, but a bad role map still stops the start', () => {
    expect(oidcSettingsFrom(loadConfig(base))).toBeNull();
    expect(() => oidcSettingsFrom(loadConfig({ ...base, VIGIL_OIDC_ROLE_MAP: 'x=y' }))).toThrow(
      /VIGIL_OIDC_ROLE_MAP/,
    );
  });

  it('refuse a plain-HTTP issuer that is not on this host', () => {
    const config = loadConfig({
      ...base,
      VIGIL_OIDC_ISSUER: 'http://idp.example.test',
      VIGIL_OIDC_CLIENT_ID: 'vigil',
    });
    expect(() => oidcSettingsFrom(config)).toThrow(/^VIGIL_OIDC_ISSUER: must be an https:\/\/ URL/);
  });

  it('read a public client (no secret) with its role map', () => {
    const settings = oidcSettingsFrom(
      loadConfig({
        ...base,
        VIGIL_OIDC_ISSUER: 'http://127.0.0.1:9/',
        VIGIL_OIDC_CLIENT_ID: 'vigil',
        VIGIL_OIDC_ROLE_MAP: 'soc=operator',
        VIGIL_OIDC_GROUPS_CLAIM: 'roles',
      }),
    );
    expect(settings?.clientSecret).toBeUndefined();
    expect(settings?.groupsClaim).toBe('roles');
    expect(settings?.roleMap.get('soc')).toBe('operator');
  });
});
