import type { CreateSite, Site, UpdateSite } from '../../../contracts/sites.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { changedFields } from '../../platform/audit/diff.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import { findSite, findSiteByCode, insertSite, toSite, updateSiteVersioned } from './repository.js';

/** Creates a site; its code is unique across the organization. */
export async function createSite(ctx: AppContext, audit: AuditContext, input: CreateSite): Promise<Site> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    if (await findSiteByCode(tx, input.code)) {
      throw new AppError('already_exists', `A site with code ${input.code} already exists.`, [
        { path: 'code', message: 'already in use' },
      ]);
    }
    const now = nowIso();
    const row = {
      id: newId(),
      code: input.code,
      name: input.name,
      timezone: input.timezone,
      address: input.address ?? null,
      status: 'active',
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertSite(tx, row);
    await record({
      action: 'site.created',
      entityType: 'site',
      entityId: row.id,
      siteId: row.id,
      changes: { ...input },
    });
    return toSite(row);
  });
}

/** Updates a site at the version the caller read (412 when it changed since). */
export async function updateSite(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  version: number,
  input: UpdateSite,
): Promise<Site> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await findSite(tx, principal, id);
    if (!current) throw notFound('Site');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The site has changed since you read it; reload it.');
    const before = toSite(current);
    const changes = changedFields(before, input);
    const patch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      updated_at: nowIso(),
    };
    if (!(await updateSiteVersioned(tx, id, version, patch))) {
      throw new AppError('precondition_failed', 'The site has changed since you read it; reload it.');
    }
    await record({ action: 'site.updated', entityType: 'site', entityId: id, siteId: id, changes });
    return toSite({ ...current, ...patch, version: version + 1 });
  });
}
