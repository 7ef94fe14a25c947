import { allSiteRoles, rolePermissions, type Permission, type Role } from '../../../contracts/access.js';
import type { Actor } from '../audit/chain.js';

/** The authenticated caller of a request: a user by session, or a user's API token. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** True when the role sees every site; otherwise queries are scoped to the user's sites. */
  allSites: boolean;
  authMethod: 'password' | 'oidc' | 'token';
  sessionIdHash?: string;
  csrfToken?: string;
  tokenId?: string;
}

/** Builds a principal for a user, optionally narrowed to an API token's permissions. */
export function principalFor(
  user: { id: string; email: string; name: string; role: Role },
  authMethod: Principal['authMethod'],
  tokenPermissions?: readonly Permission[],
): Principal {
  const rolePerms = rolePermissions[user.role];
  const effective = tokenPermissions ? rolePerms.filter((p) => tokenPermissions.includes(p)) : rolePerms;
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    permissions: new Set(effective),
    allSites: allSiteRoles.includes(user.role),
    authMethod,
  };
}

/** The audit actor for a principal (or the system when there is none). */
export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { type: 'system', id: null, label: 'system' };
  return {
    type: principal.authMethod === 'token' ? 'token' : 'user',
    id: principal.userId,
    label: principal.authMethod === 'token' ? `${principal.name} (API token)` : principal.name,
  };
}
