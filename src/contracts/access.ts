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
  ],
  investigator: ['sites:read', 'people:read', 'people:pii', 'risk:read', 'risk:simulate'],
  operator: ['sites:read', 'people:read', 'devices:read', 'alarms:read', 'alarms:handle'],
  officer: ['sites:read', 'people:read', 'devices:read', 'alarms:read'],
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
  ],
  employee: ['sites:read'],
};

/** Roles whose scope is every site; every other role sees only the sites assigned to the user. */
export const allSiteRoles: readonly Role[] = ['admin', 'auditor'];

/** What a route requires: a permission, any signed-in user, or nothing (public). */
export type RouteAccess = Permission | 'authenticated' | 'public';

export function roleHas(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}
