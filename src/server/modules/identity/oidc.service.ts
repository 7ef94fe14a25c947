import type { Role } from '../../../contracts/access.js';
import type { SsoErrorCode } from '../../../contracts/identity.js';
import { appendAudit, type Actor } from '../../platform/audit/chain.js';
import type { OidcIdentity, LoginChecks } from '../../platform/auth/oidc.js';
import { roleForGroups, type RoleMap } from '../../platform/auth/oidc-roles.js';
import { hashSecret } from '../../platform/auth/secrets.js';
import { createSession, endAllSessions } from '../../platform/auth/sessions.js';
import type { AppContext } from '../../platform/context.js';
import { writeAudited } from '../../platform/context.js';
import { newId, nowIso } from '../../platform/ids.js';
import * as oidcRepo from './oidc.repository.js';
import * as repo from './repository.js';

/** How long a sign-on attempt may take between leaving for the provider and coming back. */
const LOGIN_TTL_MS = 10 * 60_000;

/** Remembers a sign-on attempt's secrets server-side; only the hash of the state is the key. */
export async function rememberOidcLogin(
  ctx: AppContext,
  checks: LoginChecks,
  input: { redirectUri: string; returnTo: string },
): Promise<void> {
  const now = new Date();
  await ctx.database.transaction(async (tx) => {
    // Attempts that were abandoned are cleaned up here rather than by a job: the table stays small.
    await oidcRepo.purgeExpiredOidcLogins(tx, nowIso(now));
    await oidcRepo.insertOidcLogin(tx, {
      state_hash: hashSecret(checks.state),
      code_verifier: checks.codeVerifier,
      nonce: checks.nonce,
      redirect_uri: input.redirectUri,
      return_to: input.returnTo,
      created_at: nowIso(now),
      expires_at: nowIso(new Date(now.getTime() + LOGIN_TTL_MS)),
    });
  });
}

/** Redeems a sign-on attempt by its state: once, and only before it expires. */
export async function takeOidcLogin(
  ctx: AppContext,
  state: string,
): Promise<(LoginChecks & { redirectUri: string; returnTo: string }) | null> {
  const row = await oidcRepo.takeOidcLogin(ctx.database.db, hashSecret(state));
  if (!row || Date.parse(row.expires_at) <= Date.now()) return null;
  return {
    state,
    nonce: row.nonce,
    codeVerifier: row.code_verifier,
    redirectUri: row.redirect_uri,
    returnTo: row.return_to,
  };
}

export type SsoSignIn = { ok: true; sessionId: string } | { ok: false; code: SsoErrorCode };

/**
 * Signs in a person the provider vouched for. The account is found by its provider subject, else
 * linked by a verified email, else provisioned with the role their groups map to. The role follows
 * the groups at every sign-in. Refusals are audited too; everything commits in one transaction.
 */
export async function signInWithOidc(
  ctx: AppContext,
  input: {
    identity: OidcIdentity;
    roleMap: RoleMap;
    issuerLabel: string;
    ip: string;
    userAgent: string | null;
    requestId: string;
  },
): Promise<SsoSignIn> {
  const { identity } = input;
  const loginDetails: Record<string, unknown> = { method: 'oidc', ip: input.ip };
  const mappedRole = roleForGroups(identity.groups, input.roleMap);
  // Account changes are made by the SSO integration; the sign-in itself is the user's act.
  const ssoActor: Actor = { type: 'system', id: null, label: `single sign-on (${input.issuerLabel})` };
  return writeAudited(ctx.database, { actor: ssoActor, requestId: input.requestId }, async (tx, record) => {
    const refuse = async (code: SsoErrorCode, userId: string | null): Promise<SsoSignIn> => {
      await record({
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: userId,
        changes: { method: 'oidc', reason: code, subject: identity.subject, ip: input.ip },
      });
      return { ok: false, code };
    };

    let user = await repo.findUserByOidcSubject(tx, identity.subject);
    let linking = false;
    if (!user && identity.email !== null && identity.emailVerified) {
      const byEmail = await repo.findUserByEmail(tx, identity.email);
      if (byEmail && byEmail.oidc_subject !== null) return refuse('sso_account_conflict', byEmail.id);
      if (byEmail) {
        user = byEmail;
        linking = true;
      }
    }
    if (user && user.status !== 'active') return refuse('sso_disabled', user.id);

    const now = nowIso();
    if (!user) {
      if (mappedRole === null) return refuse('sso_no_role', null);
      if (identity.email === null) return refuse('sso_no_email', null);
      // An unverified address is only a claim; an account is never keyed on it.
      if (!identity.emailVerified) return refuse('sso_email_unverified', null);
      user = {
        id: newId(),
        email: identity.email,
        name: identity.name ?? identity.email,
        role: mappedRole,
        status: 'active',
        password_hash: null,
        password_changed_at: null,
        oidc_subject: identity.subject,
        last_login_at: null,
        created_at: now,
        updated_at: now,
        version: 1,
      };
      await repo.insertUser(tx, user, []);
      await record({
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        changes: { email: user.email, name: user.name, role: mappedRole, sites: [], via: 'oidc' },
      });
    } else {
      const changes: Record<string, unknown> = {};
      const patch: { oidc_subject?: string; role?: Role } = {};
      if (linking) {
        patch.oidc_subject = identity.subject;
        changes.sso = [false, true];
      }
      if (mappedRole !== null && mappedRole !== user.role) {
        const lastAdmin =
          user.role === 'admin' && (await repo.countActiveAdmins(tx)) <= 1 && mappedRole !== 'admin';
        if (lastAdmin) {
          // Same rule as a manual edit: demoting the last admin would lock the organization out.
          ctx.logger.warn(
            { userId: user.id, role: mappedRole },
            'SSO groups would demote the last active admin; role kept',
          );
          loginDetails.roleKept = { role: user.role, groupsRole: mappedRole, reason: 'last active admin' };
        } else {
          patch.role = mappedRole;
          changes.role = [user.role, mappedRole];
        }
      }
      if (Object.keys(patch).length > 0) {
        if (!(await repo.updateUserVersioned(tx, user.id, user.version, { ...patch, updated_at: now }))) {
          throw new Error('the user changed during sign-in');
        }
        // A role taken away must not live on in the user's other sessions.
        if (changes.role !== undefined) changes.sessionsEnded = await endAllSessions(tx, user.id);
        await record({ action: 'user.updated', entityType: 'user', entityId: user.id, changes });
        user = { ...user, ...patch, updated_at: now, version: user.version + 1 };
      }
    }

    const sessionId = await createSession(tx, ctx.sessionPolicy, {
      userId: user.id,
      method: 'oidc',
      ip: input.ip,
      userAgent: input.userAgent,
    });
    await repo.setUserFields(tx, user.id, { last_login_at: now });
    await appendAudit(
      tx,
      ctx.database.dialect,
      { actor: { type: 'user', id: user.id, label: user.name }, requestId: input.requestId },
      { action: 'auth.login', entityType: 'user', entityId: user.id, changes: loginDetails },
    );
    return { ok: true, sessionId };
  });
}
