import { z } from 'zod';

/** The eight roles of Vigil (docs: DESIGN.md "Roles"). */
export const roles = [
  'admin',
  'manager',
  'investigator',
  'operator',
  'officer',
  'hr',
  'auditor',
  'employee',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Every permission a route can require. Modules add theirs here so the table stays in one place. */
export const permissions = [
  'users:read',
  'users:write',
  'sites:read',
  'sites:write',
  'people:read',
  'people:write',
  'people:pii',
  'audit:read',
  'tokens:manage',
  'jobs:manage',
  'webhooks:manage',
  'risk:read',
  'risk:write',
  'risk:simulate',
  'risk:approve',
  'risk:configure',
  'devices:read',
  'devices:write',
  'alarms:read',
  'alarms:handle',
  'alarms:configure',
  'ingest',
  'incidents:read',
  'incidents:write',
  'incidents:manage',
  'incidents:export',
  'incidents:configure',
  'evidence:read',
  'evidence:write',
  'evidence:download',
  'evidence:manage',
] as const;
export const permissionSchema = z.enum(permissions);
export type Permission = z.infer<typeof permissionSchema>;

/**
 * The permission matrix: one row per role. A route's permission is checked against this table and
 * nothing else; the route-by-role test is generated from it.
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: permissions,
  manager: [
    'sites:read',
    'people:read',
    'people:write',
    'people:pii',
    'risk:read',
    'risk:write',
    'risk:simulate',
    'devices:read',
    'devices:write',
    'alarms:read',
    'alarms:handle',
    'alarms:configure',
    'ingest',
    'incidents:read',
    'incidents:write',
    'incidents:manage',
    'incidents:export',
    'evidence:read',
    'evidence:write',
    'evidence:download',
    'evidence:manage',
  ],
  investigator: [
    'sites:read',
    'people:read',
    'people:pii',
    'risk:read',
    'risk:simulate',
    'incidents:read',
    'incidents:write',
    'incidents:manage',
    'incidents:export',
    'evidence:read',
    'evidence:write',
    'evidence:download',
  ],
  operator: [
    'sites:read',
    'people:read',
    'devices:read',
    'alarms:read',
    'alarms:handle',
    'incidents:read',
    'incidents:write',
    'evidence:read',
    'evidence:write',
  ],
  officer: [
    'sites:read',
    'people:read',
    'devices:read',
    'alarms:read',
    'incidents:read',
    'incidents:write',
    'evidence:read',
    'evidence:write',
  ],
  hr: ['sites:read', 'people:read', 'people:write', 'people:pii'],
  auditor: [
    'users:read',
    'sites:read',
    'people:read',
    'audit:read',
    'risk:read',
    'risk:simulate',
    'devices:read',
    'alarms:read',
    'incidents:read',
    'evidence:read',
  ],
  // Employees report concerns through the public concern routes and need no incident permission.
  employee: ['sites:read'],
};

/**
 * Which incidents a role sees (on top of the route permission), applied in SQL:
 * - `all`: every case, confidential ones included (the CSO); subjects excluded from a case still lose it;
 * - `all-open`: every non-confidential case (auditors);
 * - `sites`: non-confidential cases at the user's sites (managers);
 * - `assigned`: cases assigned to the user (investigators);
 * - `own`: cases the user reported at the user's sites (operators, officers).
 * Everyone also sees cases where they are a member or reported them, confidential cases only by
 * membership. Need-to-know is never widened by the route permission.
 */
export const incidentScope: Record<Role, 'all' | 'all-open' | 'sites' | 'assigned' | 'own'> = {
  admin: 'all',
  manager: 'sites',
  investigator: 'assigned',
  operator: 'own',
  officer: 'own',
  hr: 'own',
  auditor: 'all-open',
  employee: 'own',
};

/** Roles whose scope is every site; every other role sees only the sites assigned to the user. */
export const allSiteRoles: readonly Role[] = ['admin', 'auditor'];

/** What a route requires: a permission, any signed-in user, or nothing (public). */
export type RouteAccess = Permission | 'authenticated' | 'public';

export function roleHas(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}
