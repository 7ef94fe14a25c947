import type { Principal } from '../../../platform/access/principal.js';
import type { Db, Tx } from '../../../platform/db/database.js';
import {
  quantificationLabel,
  type Appetite,
  type Quantification,
  type QuantificationLabel,
} from '../../../../contracts/risk.js';
import { scenarioResultSchema, simulationScenarioSchema } from '../../../../contracts/risk-simulation.js';
import { z } from 'zod';
import { riskVisible } from '../register/repository.js';
import type { RiskQuantificationsTable } from './tables.js';
import './tables.js';

/** Presents a stored row; its JSON is checked against the contract rather than trusted. */
export function toQuantification(row: RiskQuantificationsTable): Quantification {
  return {
    id: row.id,
    riskId: row.risk_id,
    label: quantificationLabel.parse(row.label),
    scenario: simulationScenarioSchema.parse(JSON.parse(row.scenario)),
    iterations: row.iterations,
    seed: row.seed,
    result: scenarioResultSchema.parse(JSON.parse(row.results)),
    controlCost: row.control_cost,
    note: row.note,
    createdBy: { id: row.created_by, name: row.created_by_name },
    createdAt: row.created_at,
  };
}

export async function insertQuantification(tx: Tx, row: RiskQuantificationsTable): Promise<void> {
  await tx.insertInto('risk_quantifications').values(row).execute();
}

/** Every quantification of a risk, newest first (ids are time-ordered UUIDv7). */
export async function listQuantifications(db: Tx, riskId: string): Promise<Quantification[]> {
  const rows = await db
    .selectFrom('risk_quantifications')
    .selectAll()
    .where('risk_id', '=', riskId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toQuantification);
}

/** The newest quantification of a risk with the label, if any. */
export async function latestQuantification(
  db: Tx,
  riskId: string,
  label: QuantificationLabel,
): Promise<Quantification | null> {
  const row = await db
    .selectFrom('risk_quantifications')
    .selectAll()
    .where('risk_id', '=', riskId)
    .where('label', '=', label)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toQuantification(row) : null;
}

export interface PortfolioMember {
  quantification: Quantification;
  reference: string;
  title: string;
}

/**
 * The latest "current" quantification of every visible open risk (optionally at a site), in risk
 * order, and how many visible open risks have none. Scoped in SQL like the register.
 */
export async function portfolioMembers(
  db: Db,
  principal: Principal,
  siteId: string | undefined,
): Promise<{ members: PortfolioMember[]; unquantified: number }> {
  const openRisks = (database: Db) =>
    database.selectFrom('risks').where(riskVisible(principal)).where('risks.status', '!=', 'closed');
  const atSite = (qb: ReturnType<typeof openRisks>) =>
    siteId === undefined
      ? qb
      : qb.where((eb) =>
          eb.exists(
            eb
              .selectFrom('risk_sites')
              .select('risk_sites.risk_id')
              .whereRef('risk_sites.risk_id', '=', 'risks.id')
              .where('risk_sites.site_id', '=', siteId),
          ),
        );
  const rows = await atSite(openRisks(db))
    .innerJoin('risk_quantifications as q', 'q.risk_id', 'risks.id')
    .where('q.id', 'in', (eb) =>
      eb
        .selectFrom('risk_quantifications')
        .select((s) => s.fn.max('risk_quantifications.id').as('latest'))
        .where('risk_quantifications.label', '=', 'current')
        .groupBy('risk_quantifications.risk_id'),
    )
    .selectAll('q')
    .select(['risks.reference', 'risks.title'])
    .orderBy('risks.id')
    .execute();
  const open = await atSite(openRisks(db))
    .select((s) => s.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return {
    members: rows.map((row) => ({
      quantification: toQuantification(row),
      reference: row.reference,
      title: row.title,
    })),
    unquantified: open.count - rows.length,
  };
}

const APPETITE_KEY = 'risk.appetite';
const storedAppetite = z.object({
  annualLossAppetite: z.number().nullable(),
  currency: z.string(),
  version: z.number().int(),
});
/** Until someone sets it: no appetite, amounts in US dollars. */
const DEFAULT_APPETITE: Appetite = { annualLossAppetite: null, currency: 'USD', updatedAt: null, version: 1 };

/** The organization's loss appetite (a platform setting owned by the risk module). */
export async function readAppetite(db: Tx): Promise<Appetite> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'updated_at'])
    .where('key', '=', APPETITE_KEY)
    .executeTakeFirst();
  if (!row) return DEFAULT_APPETITE;
  return { ...storedAppetite.parse(JSON.parse(row.value)), updatedAt: row.updated_at };
}

/**
 * Replaces the appetite if it is still at `version` (compare-and-swap on the stored text, so two
 * editors on two nodes cannot both win); false when someone changed it first.
 */
export async function writeAppetite(
  tx: Tx,
  version: number,
  next: Omit<Appetite, 'updatedAt' | 'version'>,
  at: string,
): Promise<boolean> {
  const value = JSON.stringify({ ...next, version: version + 1 });
  const row = await tx
    .selectFrom('settings')
    .select('value')
    .where('key', '=', APPETITE_KEY)
    .executeTakeFirst();
  if (!row) {
    if (version !== DEFAULT_APPETITE.version) return false;
    const inserted = await tx
      .insertInto('settings')
      .values({ key: APPETITE_KEY, value, updated_at: at })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  if (storedAppetite.parse(JSON.parse(row.value)).version !== version) return false;
  const updated = await tx
    .updateTable('settings')
    .set({ value, updated_at: at })
    .where('key', '=', APPETITE_KEY)
    .where('value', '=', row.value)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
