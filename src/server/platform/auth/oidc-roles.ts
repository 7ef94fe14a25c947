import { roleSchema, type Role } from '../../../contracts/access.js';
import { ConfigError } from '../config.js';

/**
 * Roles from the most to the least privileged. A user in several mapped groups gets the first of
 * their roles in this order, so adding someone to a lower group never takes rights away.
 */
export const rolePrecedence = [
  'admin',
  'manager',
  'investigator',
  'hr',
  'auditor',
  'operator',
  'officer',
  'employee',
] as const satisfies readonly Role[];

/** Provider group name → Vigil role. */
export type RoleMap = ReadonlyMap<string, Role>;

const VARIABLE = 'VIGIL_OIDC_ROLE_MAP';

/**
 * Parses `group=role,group=role`. The last `=` separates the role, so a group name may itself
 * contain `=`; a group mapped twice to different roles is an error rather than a silent pick.
 */
export function parseRoleMap(raw: string): RoleMap {
  const map = new Map<string, Role>();
  for (const entry of raw.split(',')) {
    const item = entry.trim();
    if (item === '') continue;
    const split = item.lastIndexOf('=');
    const group = split > 0 ? item.slice(0, split).trim() : '';
    const roleText = split > 0 ? item.slice(split + 1).trim() : '';
    if (group === '' || roleText === '') {
      throw new ConfigError(VARIABLE, `"${item}" is not of the form group=role`);
    }
    const role = roleSchema.safeParse(roleText);
    if (!role.success) {
      throw new ConfigError(
        VARIABLE,
        `"${roleText}" (for group "${group}") is not a role; use one of ${rolePrecedence.join(', ')}`,
      );
    }
    const previous = map.get(group);
    if (previous !== undefined && previous !== role.data) {
      throw new ConfigError(VARIABLE, `group "${group}" is mapped to both ${previous} and ${role.data}`);
    }
    map.set(group, role.data);
  }
  return map;
}

/** The most privileged role the groups map to, or null when none of them is mapped. */
export function roleForGroups(groups: readonly string[], map: RoleMap): Role | null {
  const mapped = new Set(groups.flatMap((group) => map.get(group) ?? []));
  return rolePrecedence.find((role) => mapped.has(role)) ?? null;
}

/**
 * Reads the groups claim. Providers send an array of strings, sometimes a single string; a name
 * that is not a top-level claim is tried as a dotted path, for nested claims such as Keycloak's
 * `realm_access.roles` (a top-level claim whose name holds dots, like Auth0's namespaced
 * `https://example.com/groups`, is found first).
 */
export function groupsFromClaims(claims: Readonly<Record<string, unknown>>, claim: string): string[] {
  let value: unknown = claims[claim];
  if (value === undefined && claim.includes('.')) {
    value = claim.split('.').reduce<unknown>((node, key) => {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
      const child: unknown = Object.getOwnPropertyDescriptor(node, key)?.value;
      return child;
    }, claims);
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
