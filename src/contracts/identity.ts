import { z } from 'zod';
import { permissionSchema, roleSchema } from './access.js';
import { idSchema, isoTimeSchema, listQuery, shortText } from './common.js';

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());
export const passwordInput = z.string().min(1).max(256);

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: passwordInput,
});
export const meResponse = z
  .object({
    id: idSchema,
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    sites: z.array(idSchema),
    permissions: z.array(z.string()),
    authMethod: z.enum(['password', 'oidc', 'token']),
    csrfToken: z.string().nullable(),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof meResponse>;

export const userStatus = z.enum(['active', 'disabled']);
export const userSchema = z
  .object({
    id: idSchema,
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    status: userStatus,
    sites: z.array(idSchema),
    sso: z.boolean(),
    lastLoginAt: isoTimeSchema.nullable(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

export const createUserBody = z.object({
  email: emailSchema,
  name: shortText(),
  role: roleSchema,
  sites: z.array(idSchema).max(1000).optional(),
  password: passwordInput.optional(),
});
export type CreateUser = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .object({
    name: shortText().optional(),
    role: roleSchema.optional(),
    status: userStatus.optional(),
    sites: z.array(idSchema).max(1000).optional(),
    password: passwordInput.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateUser = z.infer<typeof updateUserBody>;

export const userListQuery = listQuery.extend({
  q: z.string().max(200).optional(),
  role: roleSchema.optional(),
  status: userStatus.optional(),
});

export const changePasswordBody = z.object({ currentPassword: passwordInput, newPassword: passwordInput });

export const tokenSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    prefix: z.string(),
    userId: idSchema,
    permissions: z.array(z.string()),
    expiresAt: isoTimeSchema.nullable(),
    revokedAt: isoTimeSchema.nullable(),
    lastUsedAt: isoTimeSchema.nullable(),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof tokenSchema>;

export const createTokenBody = z.object({
  name: shortText(100),
  /** Defaults to every permission of the user's role; a token never exceeds its user's role. */
  permissions: z.array(permissionSchema).max(100).optional(),
  expiresInDays: z.number().int().min(1).max(3650).default(90),
});
export const createdTokenResponse = tokenSchema.extend({ token: z.string() });

export const setupStatus = z.object({ needsSetup: z.boolean(), sso: z.boolean() });

/** Why a single sign-on was refused; the callback redirects to `/login?error=<code>` and the web app explains each. */
export const ssoErrorCodes = [
  'sso_not_configured',
  'sso_state',
  'sso_denied',
  'sso_unavailable',
  'sso_failed',
  'sso_no_role',
  'sso_no_email',
  'sso_email_unverified',
  'sso_account_conflict',
  'sso_disabled',
] as const;
export type SsoErrorCode = (typeof ssoErrorCodes)[number];
export const setupBody = z.object({
  setupToken: z.string().min(1).max(200),
  email: emailSchema,
  name: shortText(),
  password: passwordInput,
});
