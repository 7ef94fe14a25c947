import { rolePermissions, type Permission, type Role } from '../../../contracts/access.js';
import type { ApiToken, CreateUser, UpdateUser, User } from '../../../contracts/identity.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import { createSession, endAllSessions, endSession } from '../../platform/auth/sessions.js';
import { hashSecret, randomSecret, safeEqual } from '../../platform/auth/secrets.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from '../../platform/auth/throttle.js';
import { mintToken } from '../../platform/auth/tokens.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import { existingSiteIds } from '../sites/index.js';
import * as repo from './repository.js';

async function checkSites(tx: Tx, siteIds: readonly string[]): Promise<void> {
  const existing = new Set(await existingSiteIds(tx, siteIds));
  const missing = siteIds.filter((id) => !existing.has(id));
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      'Some sites do not exist.',
      missing.map((id) => ({ path: 'sites', message: `unknown site ${id}` })),
    );
  }
}

/** Creates a user with a role and sites; the password, when given, must pass the password policy. */
export async function createUser(ctx: AppContext, audit: AuditContext, input: CreateUser): Promise<User> {
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const sites = input.sites ?? [];
  return writeAudited(ctx.database, audit, async (tx, record) => {
    if (await repo.findUserByEmail(tx, input.email)) {
      throw new AppError('already_exists', 'A user with this email already exists.', [
        { path: 'email', message: 'already in use' },
      ]);
    }
    await checkSites(tx, sites);
    const now = nowIso();
    const row = {
      id: newId(),
      email: input.email,
      name: input.name,
      role: input.role,
      status: 'active',
      password_hash: passwordHash,
      password_changed_at: passwordHash ? now : null,
      oidc_subject: null,
      last_login_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await repo.insertUser(tx, row, sites);
    await record({
      action: 'user.created',
      entityType: 'user',
      entityId: row.id,
      changes: {
        email: input.email,
        name: input.name,
        role: input.role,
        sites,
        passwordSet: passwordHash !== null,
      },
    });
    return repo.toUser(row, [...new Set(sites)].sort());
  });
}

/**
 * Updates a user. Disabling a user, changing their role or sites, or setting their password ends
 * every session they have, so a revoked right takes effect at once. The last active admin cannot
 * be demoted or disabled (the organization would lock itself out).
 */
export async function updateUser(
  ctx: AppContext,
  audit: AuditContext,
  id: string,
  version: number,
  input: UpdateUser,
): Promise<User> {
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.findUserById(tx, id);
    if (!current) throw notFound('User');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The user has changed since you read it; reload it.');
    const currentSites = (await repo.sitesOfUsers(tx, [id])).get(id) ?? [];
    const demotes = (input.role !== undefined && input.role !== 'admin') || input.status === 'disabled';
    if (
      current.role === 'admin' &&
      current.status === 'active' &&
      demotes &&
      (await repo.countActiveAdmins(tx)) <= 1
    ) {
      throw new AppError('conflict', 'This is the last active admin; make another admin first.');
    }
    if (input.sites) await checkSites(tx, input.sites);
    const now = nowIso();
    const patch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(passwordHash !== undefined ? { password_hash: passwordHash, password_changed_at: now } : {}),
      updated_at: now,
    };
    if (!(await repo.updateUserVersioned(tx, id, version, patch))) {
      throw new AppError('precondition_failed', 'The user has changed since you read it; reload it.');
    }
    const nextSites = input.sites ? [...new Set(input.sites)].sort() : currentSites;
    if (input.sites) await repo.replaceUserSites(tx, id, nextSites);
    const before = repo.toUser(current, currentSites);
    const changes: Record<string, unknown> = {};
    for (const key of ['name', 'role', 'status'] as const) {
      if (input[key] !== undefined && input[key] !== before[key]) changes[key] = [before[key], input[key]];
    }
    if (input.sites && JSON.stringify(nextSites) !== JSON.stringify(currentSites))
      changes.sites = [currentSites, nextSites];
    if (passwordHash !== undefined) changes.passwordSet = true;
    const rightsChanged =
      changes.role !== undefined ||
      changes.status !== undefined ||
      changes.sites !== undefined ||
      passwordHash !== undefined;
    if (rightsChanged) changes.sessionsEnded = await endAllSessions(tx, id);
    await record({ action: 'user.updated', entityType: 'user', entityId: id, changes });
    return repo.toUser({ ...current, ...patch, version: version + 1 }, nextSites);
  });
}

/** Gets a user with their sites. */
export async function getUser(ctx: AppContext, id: string): Promise<User> {
  const row = await repo.findUserById(ctx.database.db, id);
  if (!row) throw notFound('User');
  const sites = (await repo.sitesOfUsers(ctx.database.db, [id])).get(id) ?? [];
  return repo.toUser(row, sites);
}

export interface LoginRequest {
  email: string;
  password: string;
  ip: string;
  userAgent: string | null;
}

/**
 * Password login. Unknown email and wrong password answer the same, after the same work; failures
 * are throttled per account and per address; a successful login gets a brand-new session id.
 */
export async function loginWithPassword(
  ctx: AppContext,
  input: LoginRequest,
): Promise<{ sessionId: string; user: User }> {
  const db = ctx.database.db;
  const retryAfter = await loginRetryAfter(db, input.email, input.ip);
  if (retryAfter > 0)
    throw Object.assign(new AppError('rate_limited', 'Too many failed sign-in attempts; try again later.'), {
      retryAfter,
    });
  const user = await repo.findUserByEmail(db, input.email);
  const ok = await verifyPassword(
    user?.status === 'active' ? (user.password_hash ?? null) : null,
    input.password,
  );
  if (!ok || !user) {
    await recordLoginFailure(db, input.email, input.ip);
    if (user) {
      await writeAudited(
        ctx.database,
        { actor: { type: 'system', id: null, label: 'system' }, requestId: null },
        (_tx, record) =>
          record({
            action: 'auth.login_failed',
            entityType: 'user',
            entityId: user.id,
            changes: { ip: input.ip },
          }),
      );
    }
    throw new AppError('invalid_credentials', 'The email or password is not correct.');
  }
  await clearLoginFailures(db, input.email);
  const actor = { type: 'user' as const, id: user.id, label: user.name };
  const sessionId = await writeAudited(ctx.database, { actor, requestId: null }, async (tx, record) => {
    const raw = await createSession(tx, ctx.sessionPolicy, {
      userId: user.id,
      method: 'password',
      ip: input.ip,
      userAgent: input.userAgent,
    });
    await repo.setUserFields(tx, user.id, { last_login_at: nowIso() });
    await record({
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
      changes: { method: 'password', ip: input.ip },
    });
    return raw;
  });
  return { sessionId, user: await getUser(ctx, user.id) };
}

/** Ends the caller's session. */
export async function logout(ctx: AppContext, audit: AuditContext, principal: Principal): Promise<void> {
  await writeAudited(ctx.database, audit, async (tx, record) => {
    if (principal.sessionIdHash) await endSession(tx, principal.sessionIdHash);
    await record({ action: 'auth.logout', entityType: 'user', entityId: principal.userId });
  });
}

/** Changes the caller's own password: ends all their sessions and opens a new one for this browser. */
export async function changeOwnPassword(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: { currentPassword: string; newPassword: string; ip: string; userAgent: string | null },
): Promise<string> {
  const user = await repo.findUserById(ctx.database.db, principal.userId);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError('validation_failed', 'The current password is not correct.', [
      { path: 'currentPassword', message: 'incorrect' },
    ]);
  }
  if (input.currentPassword === input.newPassword) {
    throw new AppError('validation_failed', 'The new password must differ from the current one.', [
      { path: 'newPassword', message: 'unchanged' },
    ]);
  }
  const hash = await hashPassword(input.newPassword, 'newPassword');
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const now = nowIso();
    await tx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: now, updated_at: now, version: user.version + 1 })
      .where('id', '=', user.id)
      .execute();
    const ended = await endAllSessions(tx, user.id);
    await record({
      action: 'user.password_changed',
      entityType: 'user',
      entityId: user.id,
      changes: { sessionsEnded: ended },
    });
    return createSession(tx, ctx.sessionPolicy, {
      userId: user.id,
      method: 'password',
      ip: input.ip,
      userAgent: input.userAgent,
    });
  });
}

/** Issues an API token for the caller; the secret is returned once and only its hash is kept. */
export async function createApiToken(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: { name: string; permissions?: Permission[]; expiresInDays: number },
): Promise<ApiToken & { token: string }> {
  if (principal.authMethod === 'token') throw forbidden('API tokens cannot create other tokens.');
  const allowed = rolePermissions[principal.role];
  const requested = input.permissions ?? [...allowed];
  const beyond = requested.filter((p) => !allowed.includes(p));
  if (beyond.length > 0) {
    throw new AppError(
      'validation_failed',
      'A token cannot hold permissions beyond your role.',
      beyond.map((p) => ({ path: 'permissions', message: `not allowed: ${p}` })),
    );
  }
  return issueToken(ctx, audit, {
    userId: principal.userId,
    name: input.name,
    permissions: requested,
    expiresInDays: input.expiresInDays,
  });
}

/** Issues a token for a user (also used by the CLI, which acts as the system). */
export async function issueToken(
  ctx: AppContext,
  audit: AuditContext,
  input: { userId: string; name: string; permissions: readonly Permission[]; expiresInDays: number | null },
): Promise<ApiToken & { token: string }> {
  const minted = mintToken();
  const now = new Date();
  const row = {
    id: newId(),
    user_id: input.userId,
    name: input.name,
    token_hash: minted.hash,
    prefix: minted.prefix,
    permissions: JSON.stringify([...new Set(input.permissions)].sort()),
    expires_at:
      input.expiresInDays === null
        ? null
        : nowIso(new Date(now.getTime() + input.expiresInDays * 86_400_000)),
    revoked_at: null,
    last_used_at: null,
    created_at: nowIso(now),
  };
  await writeAudited(ctx.database, audit, async (tx, record) => {
    await repo.insertToken(tx, row);
    await record({
      action: 'token.created',
      entityType: 'api_token',
      entityId: row.id,
      changes: {
        name: row.name,
        userId: row.user_id,
        permissions: JSON.parse(row.permissions) as unknown,
        expiresAt: row.expires_at,
      },
    });
  });
  return { ...repo.toToken(row), token: minted.token };
}

/** Revokes a token: the caller's own, or anyone's with tokens:manage. Others' tokens answer 404. */
export async function revokeToken(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
): Promise<ApiToken> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await repo.findToken(tx, id);
    if (!row || (row.user_id !== principal.userId && !principal.permissions.has('tokens:manage')))
      throw notFound('Token');
    const at = nowIso();
    await repo.revokeTokenRow(tx, id, at);
    await record({
      action: 'token.revoked',
      entityType: 'api_token',
      entityId: id,
      changes: { name: row.name },
    });
    return repo.toToken({ ...row, revoked_at: row.revoked_at ?? at });
  });
}

const SETUP_TOKEN_KEY = 'setup_token_hash';

/**
 * On a fresh installation (no users), makes a one-time setup token that lets whoever started the
 * server create the first admin from the browser. Returns null when setup is not needed.
 */
export async function prepareFirstRunSetup(ctx: AppContext): Promise<string | null> {
  if ((await repo.countUsers(ctx.database.db)) > 0) return null;
  const token = randomSecret(24);
  await ctx.database.transaction((tx) => repo.putSetting(tx, SETUP_TOKEN_KEY, hashSecret(token), nowIso()));
  return token;
}

export async function needsSetup(ctx: AppContext): Promise<boolean> {
  return (await repo.countUsers(ctx.database.db)) === 0;
}

/** Creates the first admin with the setup token and signs them in. */
export async function completeSetup(
  ctx: AppContext,
  input: {
    setupToken: string;
    email: string;
    name: string;
    password: string;
    ip: string;
    userAgent: string | null;
  },
): Promise<string> {
  const passwordHash = await hashPassword(input.password);
  return writeAudited(
    ctx.database,
    { actor: { type: 'system', id: null, label: 'first-run setup' }, requestId: null },
    async (tx, record) => {
      const stored = await repo.getSetting(tx, SETUP_TOKEN_KEY);
      if ((await repo.countUsers(tx)) > 0 || !stored || !safeEqual(stored, hashSecret(input.setupToken))) {
        throw new AppError('forbidden', 'Setup is finished or the setup link is not valid.');
      }
      const now = nowIso();
      const row = {
        id: newId(),
        email: input.email,
        name: input.name,
        role: 'admin' satisfies Role,
        status: 'active',
        password_hash: passwordHash,
        password_changed_at: now,
        oidc_subject: null,
        last_login_at: now,
        created_at: now,
        updated_at: now,
        version: 1,
      };
      await repo.insertUser(tx, row, []);
      await repo.deleteSetting(tx, SETUP_TOKEN_KEY);
      await record({
        action: 'user.created',
        entityType: 'user',
        entityId: row.id,
        changes: { email: row.email, name: row.name, role: 'admin', via: 'setup' },
      });
      return createSession(tx, ctx.sessionPolicy, {
        userId: row.id,
        method: 'password',
        ip: input.ip,
        userAgent: input.userAgent,
      });
    },
  );
}
