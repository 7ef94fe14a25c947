import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rolePermissions } from '../../../contracts/access.js';
import { idParams, listOf, okSchema } from '../../../contracts/common.js';
import {
  changePasswordBody,
  createdTokenResponse,
  createTokenBody,
  createUserBody,
  loginBody,
  meResponse,
  setupBody,
  setupStatus,
  tokenSchema,
  updateUserBody,
  userListQuery,
  userSchema,
  type Me,
  type User,
} from '../../../contracts/identity.js';
import type { Principal } from '../../platform/access/principal.js';
import { csrfTokenFor } from '../../platform/auth/sessions.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { auditContextOf, principalOf, SESSION_COOKIE } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../platform/http/etag.js';
import * as repo from './repository.js';
import * as service from './service.js';

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure when Vigil is served over TLS. */
export function setSessionCookie(ctx: AppContext, reply: FastifyReply, raw: string): void {
  void reply.setCookie(SESSION_COOKIE, raw, {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.config.VIGIL_PUBLIC_URL?.startsWith('https:') ?? false,
    path: '/',
    maxAge: ctx.sessionPolicy.absoluteHours * 3600,
  });
}

function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

async function meOf(ctx: AppContext, principal: Principal, csrfToken: string | null): Promise<Me> {
  const sites = (await repo.sitesOfUsers(ctx.database.db, [principal.userId])).get(principal.userId) ?? [];
  return {
    id: principal.userId,
    email: principal.email,
    name: principal.name,
    role: principal.role,
    sites,
    permissions: [...principal.permissions],
    authMethod: principal.authMethod,
    csrfToken,
  };
}

/** The "me" answer right after a password sign-in, before the session cookie reaches the browser. */
function meOfUser(user: User, csrfToken: string): Me {
  const { id, email, name, role, sites } = user;
  return {
    id,
    email,
    name,
    role,
    sites,
    permissions: [...rolePermissions[role]],
    authMethod: 'password',
    csrfToken,
  };
}

const clientOf = (request: FastifyRequest) => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});

export function registerIdentityRoutes(app: ZodApp, ctx: AppContext): void {
  const auth = ['auth'];
  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: auth,
        summary: 'Sign in with email and password (sets the session cookie)',
        body: loginBody,
        response: { 200: meResponse },
      },
    },
    async (request, reply) => {
      try {
        const { sessionId, user } = await service.loginWithPassword(ctx, {
          ...request.body,
          ...clientOf(request),
        });
        setSessionCookie(ctx, reply, sessionId);
        return meOfUser(user, csrfTokenFor(sessionId));
      } catch (error) {
        if (error instanceof AppError && error.code === 'rate_limited' && 'retryAfter' in error) {
          void reply.header('retry-after', String(error.retryAfter));
        }
        throw error;
      }
    },
  );
  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: auth, summary: 'Sign out (ends this session)', response: { 200: okSchema } },
    },
    async (request, reply) => {
      await service.logout(ctx, auditContextOf(request), principalOf(request));
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/v1/me',
    {
      config: { access: 'authenticated' },
      schema: { tags: auth, summary: 'Who am I', response: { 200: meResponse } },
    },
    async (request) => {
      const principal = principalOf(request);
      return meOf(ctx, principal, principal.csrfToken ?? null);
    },
  );
  app.post(
    '/api/v1/me/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: auth,
        summary: 'Change my password (ends all my other sessions)',
        body: changePasswordBody,
        response: { 200: meResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.authMethod !== 'password')
        throw new AppError('forbidden', 'Only a password session can change the password.');
      const raw = await service.changeOwnPassword(ctx, auditContextOf(request), principal, {
        ...request.body,
        ...clientOf(request),
      });
      setSessionCookie(ctx, reply, raw);
      return meOf(ctx, principal, csrfTokenFor(raw));
    },
  );
  app.get(
    '/api/v1/setup',
    {
      config: { access: 'public' },
      schema: { tags: auth, summary: 'Whether first-run setup is pending', response: { 200: setupStatus } },
    },
    async () => ({
      needsSetup: await service.needsSetup(ctx),
      sso: ctx.config.VIGIL_OIDC_ISSUER !== undefined,
    }),
  );
  app.post(
    '/api/v1/setup',
    {
      config: { access: 'public' },
      schema: {
        tags: auth,
        summary: 'Create the first admin with the one-time setup token',
        body: setupBody,
        response: { 200: meResponse },
      },
    },
    async (request, reply) => {
      const raw = await service.completeSetup(ctx, { ...request.body, ...clientOf(request) });
      setSessionCookie(ctx, reply, raw);
      const user = await repo.findUserByEmail(ctx.database.db, request.body.email);
      if (!user) throw new AppError('internal', 'setup did not create the user');
      return meOfUser(await service.getUser(ctx, user.id), csrfTokenFor(raw));
    },
  );

  const users = ['users'];
  app.post(
    '/api/v1/users',
    {
      config: { access: 'users:write' },
      schema: { tags: users, summary: 'Create a user', body: createUserBody, response: { 201: userSchema } },
    },
    async (request, reply) => {
      const user = await service.createUser(ctx, auditContextOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, user);
    },
  );
  app.get(
    '/api/v1/users',
    {
      config: { access: 'users:read' },
      schema: {
        tags: users,
        summary: 'List users',
        querystring: userListQuery,
        response: { 200: listOf(userSchema) },
      },
    },
    (request) => repo.listUsers(ctx.database.db, request.query),
  );
  app.get(
    '/api/v1/users/:id',
    {
      config: { access: 'users:read' },
      schema: { tags: users, summary: 'Get a user', params: idParams, response: { 200: userSchema } },
    },
    async (request, reply) => sendVersioned(reply, await service.getUser(ctx, request.params.id)),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: 'users:write' },
      schema: {
        tags: users,
        summary: 'Update a user (If-Match required)',
        params: idParams,
        body: updateUserBody,
        response: { 200: userSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      return sendVersioned(
        reply,
        await service.updateUser(ctx, auditContextOf(request), request.params.id, version, request.body),
      );
    },
  );

  const tokens = ['tokens'];
  app.get(
    '/api/v1/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: tokens,
        summary: "List API tokens (yours; every user's with tokens:manage and ?all=true)",
        querystring: z.object({ all: z.enum(['true', 'false']).optional() }),
        response: { 200: listOf(tokenSchema) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const all = request.query.all === 'true' && principal.permissions.has('tokens:manage');
      const rows = await repo.listTokens(ctx.database.db, all ? null : principal.userId);
      return { items: rows.map(repo.toToken), nextCursor: null };
    },
  );
  app.post(
    '/api/v1/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: tokens,
        summary: 'Create an API token (the secret is shown once)',
        body: createTokenBody,
        response: { 201: createdTokenResponse },
      },
    },
    async (request, reply) => {
      const token = await service.createApiToken(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.body,
      );
      return reply.status(201).send(token);
    },
  );
  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: tokens,
        summary: 'Revoke an API token',
        params: idParams,
        response: { 200: tokenSchema },
      },
    },
    (request) => service.revokeToken(ctx, auditContextOf(request), principalOf(request), request.params.id),
  );
}
