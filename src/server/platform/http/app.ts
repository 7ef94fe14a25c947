import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { RouteAccess } from '../../../contracts/access.js';
import { newId } from '../ids.js';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { authenticate, SESSION_COOKIE } from './authenticate.js';
import { handleError, sendProblem } from './problem.js';
import { serializeResponse } from './serialize.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route requires. Every /api route must declare it; undeclared routes fail at start-up. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The app with Zod schemas as the type provider: handlers get typed, validated input. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A route of the catalog: the permission-by-role test is generated from it. */
export interface CatalogRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

/** A feature module: registers its routes on the app. */
export interface ServerModule {
  name: string;
  registerRoutes(app: ZodApp, ctx: AppContext): void;
  /** Registers the module's job kinds and schedules on `ctx.jobs` (server and CLI alike). */
  registerJobs?(ctx: AppContext): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built web app (vite build output), served by the same process. */
export const webRoot = path.resolve(here, '../../../../dist/web');

/** Builds the HTTP application with every module's routes. */
export async function buildApp(
  ctx: AppContext,
  modules: readonly ServerModule[],
): Promise<{ app: ZodApp; catalog: CatalogRoute[] }> {
  const fastify = Fastify<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression>({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.config.VIGIL_BODY_LIMIT_BYTES,
    genReqId: () => newId(),
    requestIdHeader: false,
    trustProxy: ctx.config.VIGIL_PUBLIC_URL?.startsWith('https:') ?? false,
    // Per-request lines would carry search terms (names) from query strings; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializeResponse);
  fastify.setErrorHandler(handleError);
  fastify.decorateRequest('principal', null);

  const catalog: CatalogRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    const url = route.url ?? route.path ?? '';
    if (!url.startsWith('/api/')) return;
    if (url.startsWith('/api/docs')) {
      route.config = { ...route.config, access: 'public' };
    }
    const access = route.config?.access;
    if (!access)
      throw new Error(`route ${String(route.method)} ${url} declares no access; every API route must`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') catalog.push({ method, url, access });
    }
  });

  await fastify.register(fastifyCookie);
  await fastify.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine sets CSS variables through style attributes; scripts stay strictly external.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: ctx.config.VIGIL_PUBLIC_URL?.startsWith('https:') ?? false,
    crossOriginEmbedderPolicy: false,
  });

  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    await authenticate(ctx, request, reply);
  });

  await fastify.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        description:
          'The public API of Vigil. Every screen of the web app is built on it. Errors are application/problem+json with a stable `code`. Lists take `limit` and `cursor` and answer `{ items, nextCursor }`. Updates require `If-Match` with the ETag of the version being changed.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await fastify.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.database.db);
      return { status: 'ready' };
    } catch {
      return sendProblem(reply, 'unavailable', 'The database is not reachable.');
    }
  });
  app.get(
    '/api/v1/openapi.json',
    {
      config: { access: 'public' },
      schema: { hide: true, response: { 200: z.record(z.string(), z.unknown()) } },
    },
    () => fastify.swagger() as unknown as Record<string, unknown>,
  );

  for (const module of modules) module.registerRoutes(app, ctx);

  if (fs.existsSync(path.join(webRoot, 'index.html'))) {
    await fastify.register(fastifyStatic, { root: webRoot, wildcard: false, index: 'index.html' });
  }
  fastify.setNotFoundHandler((request, reply) => {
    const wantsPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      fs.existsSync(path.join(webRoot, 'index.html'));
    if (wantsPage) return reply.type('text/html').sendFile('index.html');
    return sendProblem(reply, 'not_found', 'There is nothing at this address.');
  });

  await fastify.ready();
  return { app, catalog };
}
