import type { z } from 'zod';
import type { Permission } from '../../../contracts/access.js';
import { idParams, listOf, okSchema, savedViewSchemas } from '../../../contracts/common.js';
import { writeAudited, type AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import type { Tx } from '../db/database.js';
import { notFound } from '../errors.js';
import { auditContextOf, principalOf } from '../http/authenticate.js';
import type { ZodApp } from '../http/app.js';
import { newId, nowIso } from '../ids.js';

/*
 * Saved views of a list (the risk register, the incident list): a user's named filter sets, private
 * to them. Each list keeps its views in a table of its own module with this shape; the routes and
 * the SQL are the same for every list, so they live here once.
 */

/** The columns of a saved-views table (`<module>_saved_views`). */
export interface SavedViewsTable {
  id: string;
  user_id: string;
  name: string;
  /** The filters as JSON. */
  filters: string;
  created_at: string;
}

/** The tables of the database that hold saved views (found by their shape). */
export type SavedViewsTableName = {
  [K in keyof Database]: Database[K] extends SavedViewsTable
    ? SavedViewsTable extends Database[K]
      ? K
      : never
    : never;
}[keyof Database];

export interface SavedViewRoutes {
  /** The collection, e.g. `/api/v1/incident-views`; one view is `<path>/:id`. */
  path: string;
  table: SavedViewsTableName;
  /** The permission of the list the views filter: whoever may read the list may keep views of it. */
  access: Permission;
  /** OpenAPI tags. */
  tags: string[];
  /** The audited entity type, e.g. `incident_view` (actions `<type>.created` and `<type>.deleted`). */
  entityType: string;
  /** What the list calls itself in the API docs, e.g. "incident list". */
  listName: string;
  /** The list's filters: a view whose filters do not parse is refused (400). */
  filters: z.ZodType<Record<string, unknown>>;
}

async function viewsOf(db: Tx, table: SavedViewsTableName, userId: string): Promise<SavedViewsTable[]> {
  return db.selectFrom(table).selectAll().where('user_id', '=', userId).orderBy('name').execute();
}

async function insertView(tx: Tx, table: SavedViewsTableName, row: SavedViewsTable): Promise<void> {
  await tx.insertInto(table).values(row).execute();
}

/** Deletes one of the user's views; false when they have none with that id (another's included). */
async function deleteView(tx: Tx, table: SavedViewsTableName, userId: string, id: string) {
  const result = await tx
    .deleteFrom(table)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Registers GET/POST `<path>` and DELETE `<path>/:id` for the caller's own views of one list. */
export function registerSavedViewRoutes(app: ZodApp, ctx: AppContext, options: SavedViewRoutes): void {
  const { path, table, access, tags, entityType, listName, filters } = options;
  const schemas = savedViewSchemas(filters);

  app.get(
    path,
    {
      config: { access },
      schema: { tags, summary: `My saved ${listName} views`, response: { 200: listOf(schemas.view) } },
    },
    async (request) => {
      const rows = await viewsOf(ctx.database.db, table, principalOf(request).userId);
      const items = [];
      for (const row of rows) {
        const stored = filters.safeParse(JSON.parse(row.filters));
        // A view saved before the list's filters changed shape is left out rather than failing the menu.
        if (!stored.success) {
          request.log.warn({ viewId: row.id, table }, 'saved view with filters the list no longer takes');
          continue;
        }
        items.push({ id: row.id, name: row.name, filters: stored.data, createdAt: row.created_at });
      }
      return { items, nextCursor: null };
    },
  );

  app.post(
    path,
    {
      config: { access },
      schema: {
        tags,
        summary: `Save a ${listName} view (a name and the filters)`,
        body: schemas.create,
        response: { 201: schemas.view },
      },
    },
    async (request, reply) => {
      const row: SavedViewsTable = {
        id: newId(),
        user_id: principalOf(request).userId,
        name: request.body.name,
        filters: JSON.stringify(request.body.filters),
        created_at: nowIso(),
      };
      await writeAudited(ctx.database, auditContextOf(request), async (tx, record) => {
        await insertView(tx, table, row);
        await record({
          action: `${entityType}.created`,
          entityType,
          entityId: row.id,
          changes: { name: row.name },
        });
      });
      return reply
        .status(201)
        .send({ id: row.id, name: row.name, filters: request.body.filters, createdAt: row.created_at });
    },
  );

  app.delete(
    `${path}/:id`,
    {
      config: { access },
      schema: {
        tags,
        summary: `Delete one of my saved ${listName} views`,
        params: idParams,
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const userId = principalOf(request).userId;
      await writeAudited(ctx.database, auditContextOf(request), async (tx, record) => {
        // Another user's view answers 404 like a missing one: views are private.
        if (!(await deleteView(tx, table, userId, request.params.id))) throw notFound('View');
        await record({ action: `${entityType}.deleted`, entityType, entityId: request.params.id });
      });
      return { ok: true as const };
    },
  );
}
