import {
  auditEntrySchema,
  auditListQuery,
  type AuditEntry,
  type AuditListQuery,
} from '../../../contracts/audit.js';
import { listOf } from '../../../contracts/common.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AppContext } from '../../platform/context.js';
import type { Db } from '../../platform/db/database.js';
import type { AuditLogTable } from '../../platform/db/schema.js';
import { principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { siteVisible } from '../../platform/access/scope.js';

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    actorType: row.actor_type as AuditEntry['actorType'],
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    siteId: row.site_id,
    changes: JSON.parse(row.changes) as Record<string, unknown>,
    requestId: row.request_id,
    hash: row.hash,
  };
}

/** The audit log, newest first, with filters. Site-bound entries follow the caller's site scope. */
export async function listAudit(db: Db, principal: Principal, query: AuditListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .$if(!principal.allSites, (qb) =>
      qb.where((eb) => eb.or([eb('site_id', 'is', null), siteVisible('audit_log.site_id', principal)])),
    )
    .$if(query.entityType !== undefined, (qb) => qb.where('entity_type', '=', query.entityType ?? ''))
    .$if(query.entityId !== undefined, (qb) => qb.where('entity_id', '=', query.entityId ?? ''))
    .$if(query.actorId !== undefined, (qb) => qb.where('actor_id', '=', query.actorId ?? ''))
    .$if(query.action !== undefined, (qb) => qb.where('action', '=', query.action ?? ''))
    .$if(query.from !== undefined, (qb) => qb.where('at', '>=', new Date(query.from ?? '').toISOString()))
    .$if(query.to !== undefined, (qb) => qb.where('at', '<', new Date(query.to ?? '').toISOString()))
    .$if(after !== undefined, (qb) => qb.where('seq', '<', Number(after?.[0])))
    .orderBy('seq', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.seq], toEntry);
}

export function registerAuditRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/api/v1/audit',
    {
      config: { access: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Read the audit log',
        querystring: auditListQuery,
        response: { 200: listOf(auditEntrySchema) },
      },
    },
    (request) => listAudit(ctx.database.db, principalOf(request), request.query),
  );
}
