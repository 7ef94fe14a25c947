import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { z } from 'zod';
import { riskCategorySchema, riskStatus, type RiskListQuery } from '../../../../contracts/risk.js';
import type { Principal } from '../../../platform/access/principal.js';
import type { AuditContext } from '../../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../../platform/context.js';
import type { Db } from '../../../platform/db/database.js';
import { AppError, type FieldError } from '../../../platform/errors.js';
import { nowIso } from '../../../platform/ids.js';
import * as repo from './repository.js';
import { applyRiskUpdate, insertNewRisk, matrixFor } from './service.js';

/**
 * The register's exchange format, shared by CSV and XLSX. List cells (sites, assets, tags) hold
 * one item per line so that commas and semicolons inside items survive the round trip.
 */
export const COLUMNS = [
  'id',
  'reference',
  'title',
  'description',
  'category',
  'status',
  'sites',
  'owner',
  'threat',
  'vulnerability',
  'assets',
  'tags',
  'reviewEveryDays',
  'lastReviewedAt',
  'nextReviewAt',
  'matrix',
  'inherentLikelihood',
  'inherentImpact',
  'inherentAssessedAt',
  'residualLikelihood',
  'residualImpact',
  'residualAssessedAt',
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Record<Column, string>;

const splitList = (cell: string) =>
  cell
    .split(/\r?\n/)
    .map((item) => item.trim())
    .filter(Boolean);

const optionalInt = (max: number) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? null : Number(v)))
    .pipe(z.number().int().min(1).max(max).nullable());
const optionalTime = z
  .string()
  .trim()
  .transform((v) => (v === '' ? null : v))
  .pipe(z.iso.datetime({ offset: true }).nullable());

const rowSchema = z.object({
  id: z
    .string()
    .trim()
    .pipe(z.union([z.literal(''), z.uuid()])),
  reference: z
    .string()
    .trim()
    .max(20)
    .regex(/^(R-\d{1,9})?$/, 'must look like R-0001 or be empty'),
  title: z.string().trim().min(1, 'is required').max(200),
  description: z.string().max(10_000),
  category: riskCategorySchema,
  status: riskStatus,
  sites: z.string().max(5000),
  owner: z.string().trim().max(254),
  threat: z.string().max(2000),
  vulnerability: z.string().max(2000),
  assets: z.string().max(20_000),
  tags: z.string().max(2000),
  reviewEveryDays: z.string().trim().transform(Number).pipe(z.number().int().min(1).max(3650)),
  lastReviewedAt: optionalTime,
  nextReviewAt: optionalTime,
  matrix: z.string().trim().max(100),
  inherentLikelihood: optionalInt(5),
  inherentImpact: optionalInt(5),
  inherentAssessedAt: optionalTime,
  residualLikelihood: optionalInt(5),
  residualImpact: optionalInt(5),
  residualAssessedAt: optionalTime,
});

/** Rows of the register as exchange-format records. */
async function exportRows(
  db: Db,
  principal: Principal,
  query: Omit<RiskListQuery, 'limit' | 'cursor'>,
): Promise<Row[]> {
  const rows = await repo.allRisks(db, principal, query);
  const risks = await repo.presentRisks(db, rows);
  const [sites, users, matrices] = await Promise.all([
    db.selectFrom('sites').select(['id', 'code']).execute(),
    db.selectFrom('users').select(['id', 'email']).execute(),
    repo.matricesById(db),
  ]);
  const siteCode = new Map(sites.map((s) => [s.id, s.code]));
  const email = new Map(users.map((u) => [u.id, u.email]));
  return risks.map((risk, index) => {
    const raw = rows[index];
    const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    return {
      id: risk.id,
      reference: risk.reference,
      title: risk.title,
      description: risk.description,
      category: risk.category,
      status: risk.status,
      sites: risk.siteIds.map((id) => siteCode.get(id) ?? id).join('\n'),
      owner: risk.ownerId ? (email.get(risk.ownerId) ?? '') : '',
      threat: risk.threat,
      vulnerability: risk.vulnerability,
      assets: risk.assets.join('\n'),
      tags: risk.tags.join('\n'),
      reviewEveryDays: String(risk.reviewEveryDays),
      lastReviewedAt: risk.lastReviewedAt ?? '',
      nextReviewAt: risk.nextReviewAt,
      matrix: matrices.get(risk.matrixId)?.name ?? '',
      inherentLikelihood: num(raw?.inherent_likelihood),
      inherentImpact: num(raw?.inherent_impact),
      inherentAssessedAt: raw?.inherent_at ?? '',
      residualLikelihood: num(raw?.residual_likelihood),
      residualImpact: num(raw?.residual_impact),
      residualAssessedAt: raw?.residual_at ?? '',
    };
  });
}

/** The register as CSV (RFC 4180, UTF-8 with a header row). */
export async function exportCsv(
  db: Db,
  principal: Principal,
  query: Omit<RiskListQuery, 'limit' | 'cursor'>,
): Promise<string> {
  const rows = await exportRows(db, principal, query);
  return Papa.unparse(
    { fields: [...COLUMNS], data: rows.map((row) => COLUMNS.map((c) => row[c])) },
    { newline: '\r\n' },
  );
}

/**
 * ExcelJS, loaded on first use: it is the heaviest module of the app to load (about a sixth of
 * the start-up of every server and CLI command) and only XLSX import and export need it.
 */
async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

/** The register as an XLSX workbook with one sheet. */
export async function exportXlsx(
  db: Db,
  principal: Principal,
  query: Omit<RiskListQuery, 'limit' | 'cursor'>,
): Promise<Buffer> {
  const rows = await exportRows(db, principal, query);
  const workbook = new (await excel()).Workbook();
  workbook.creator = 'Vigil';
  const sheet = workbook.addWorksheet('Risk register');
  sheet.columns = COLUMNS.map((c) => ({ header: c, key: c, width: c === 'description' ? 60 : 18 }));
  for (const row of rows) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return value.text;
    if ('result' in value) return value.result === undefined ? '' : cellText(value.result);
    return '';
  }
  return String(value);
}

/** Reads CSV or XLSX into header-keyed records; a missing column is a clear error. */
export async function parseUpload(
  content: Buffer,
  format: 'csv' | 'xlsx',
): Promise<Record<string, string>[]> {
  let records: Record<string, string>[];
  if (format === 'csv') {
    const parsed = Papa.parse<Record<string, string>>(content.toString('utf8').replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: 'greedy',
    });
    if (parsed.errors.length > 0) {
      const first = parsed.errors[0];
      throw new AppError('validation_failed', 'The CSV file could not be read.', [
        { path: `rows[${(first?.row ?? 0) + 1}]`, message: first?.message ?? 'unreadable' },
      ]);
    }
    records = parsed.data;
  } else {
    const workbook = new (await excel()).Workbook();
    try {
      await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
    } catch {
      throw new AppError('validation_failed', 'The file is not a readable XLSX workbook.', [
        { path: 'file', message: 'not an XLSX workbook' },
      ]);
    }
    const sheet = workbook.worksheets[0];
    if (!sheet)
      throw new AppError('validation_failed', 'The workbook has no sheet.', [
        { path: 'file', message: 'empty workbook' },
      ]);
    const header: string[] = [];
    sheet.getRow(1).eachCell((cell, col) => (header[col] = cellText(cell.value).trim()));
    records = [];
    for (let r = 2; r <= sheet.rowCount; r += 1) {
      const row = sheet.getRow(r);
      if (!row.hasValues) continue;
      const record: Record<string, string> = {};
      header.forEach((name, col) => (record[name] = cellText(row.getCell(col).value)));
      records.push(record);
    }
  }
  const first = records[0];
  const missing = first ? COLUMNS.filter((c) => !(c in first)) : [];
  if (missing.length > 0)
    throw new AppError(
      'validation_failed',
      `The file lacks columns: ${missing.join(', ')}.`,
      missing.map((c) => ({ path: 'header', message: `missing column ${c}` })),
    );
  return records;
}

/**
 * Imports a register file: every row is validated (shape, site codes, owners) before anything is
 * written, and all rows are applied in one transaction — a bad file imports nothing. Rows whose id
 * exists are updated; others are created, keeping a given id and reference so an export
 * re-imported elsewhere reproduces the register.
 */
export async function importRegister(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  records: Record<string, string>[],
): Promise<{ created: number; updated: number }> {
  if (records.length === 0)
    throw new AppError('validation_failed', 'The file has no rows.', [{ path: 'rows', message: 'empty' }]);
  if (records.length > 10_000)
    throw new AppError('validation_failed', 'Import at most 10,000 rows at a time.', [
      { path: 'rows', message: 'too many rows' },
    ]);
  const db = ctx.database.db;
  const [sites, users, matrices] = await Promise.all([
    db.selectFrom('sites').select(['id', 'code']).execute(),
    db.selectFrom('users').select(['id', 'email', 'status']).execute(),
    repo.matricesById(db),
  ]);
  const siteByCode = new Map(sites.map((s) => [s.code.toUpperCase(), s.id]));
  const userByEmail = new Map(users.filter((u) => u.status === 'active').map((u) => [u.email, u.id]));
  const matrixByName = new Map([...matrices.values()].map((m) => [m.name, m]));
  const errors: FieldError[] = [];
  const parsed = records.map((record, index) => {
    const rowNumber = index + 2; // the header is row 1
    const result = rowSchema.safeParse(record);
    if (!result.success) {
      for (const issue of result.error.issues)
        errors.push({ path: `rows[${rowNumber}].${issue.path.join('.')}`, message: issue.message });
      return null;
    }
    const row = result.data;
    const siteIds: string[] = [];
    for (const code of splitList(row.sites)) {
      const id = siteByCode.get(code.toUpperCase());
      if (id) siteIds.push(id);
      else errors.push({ path: `rows[${rowNumber}].sites`, message: `unknown site code ${code}` });
    }
    const ownerId = row.owner === '' ? null : (userByEmail.get(row.owner.toLowerCase()) ?? null);
    if (row.owner !== '' && ownerId === null)
      errors.push({ path: `rows[${rowNumber}].owner`, message: `no active user has the email ${row.owner}` });
    const matrix = row.matrix === '' ? undefined : matrixByName.get(row.matrix);
    if (row.matrix !== '' && !matrix)
      errors.push({ path: `rows[${rowNumber}].matrix`, message: `unknown matrix ${row.matrix}` });
    const size = matrix?.size ?? 5;
    for (const field of [
      'inherentLikelihood',
      'inherentImpact',
      'residualLikelihood',
      'residualImpact',
    ] as const) {
      const value = row[field];
      if (value !== null && value > size)
        errors.push({ path: `rows[${rowNumber}].${field}`, message: `must be at most ${size}` });
    }
    for (const kind of ['inherent', 'residual'] as const) {
      const parts = [row[`${kind}Likelihood`], row[`${kind}Impact`]];
      if (parts.some((p) => p === null) && parts.some((p) => p !== null))
        errors.push({
          path: `rows[${rowNumber}].${kind}Likelihood`,
          message: `give both ${kind} likelihood and impact, or neither`,
        });
    }
    return { row, siteIds, ownerId, matrix };
  });
  if (errors.length > 0)
    throw new AppError(
      'validation_failed',
      `The file has ${errors.length} problem(s); nothing was imported.`,
      errors.slice(0, 200),
    );

  return writeAudited(ctx.database, audit, async (tx, record) => {
    let created = 0;
    let updated = 0;
    for (const item of parsed) {
      if (!item) continue;
      const { row, siteIds, ownerId } = item;
      const fields = {
        title: row.title,
        description: row.description,
        category: row.category,
        status: row.status,
        siteIds,
        assets: splitList(row.assets),
        threat: row.threat,
        vulnerability: row.vulnerability,
        ownerId,
        tags: splitList(row.tags),
        reviewEveryDays: row.reviewEveryDays,
      };
      const existing =
        row.id === ''
          ? undefined
          : await tx.selectFrom('risks').selectAll().where('id', '=', row.id).executeTakeFirst();
      let riskId: string;
      if (existing) {
        if (!(await repo.findRisk(tx, principal, existing.id)))
          throw new AppError('validation_failed', 'A row refers to a risk you cannot see.', [
            { path: 'rows', message: `risk ${existing.id} is not yours to change` },
          ]);
        await applyRiskUpdate(tx, record, principal, existing, fields);
        riskId = existing.id;
        updated += 1;
      } else {
        if (
          row.reference !== '' &&
          (await tx
            .selectFrom('risks')
            .select('id')
            .where('reference', '=', row.reference)
            .executeTakeFirst())
        ) {
          throw new AppError(
            'validation_failed',
            `Reference ${row.reference} is already used by another risk.`,
            [{ path: 'rows', message: `duplicate reference ${row.reference}` }],
          );
        }
        const matrix = item.matrix ?? (await matrixFor(tx, undefined));
        const inserted = await insertNewRisk(
          tx,
          record,
          {
            ...fields,
            ...(row.id ? { id: row.id } : {}),
            ...(row.reference ? { reference: row.reference } : {}),
            ...(row.nextReviewAt ? { nextReviewAt: new Date(row.nextReviewAt).toISOString() } : {}),
          },
          matrix,
        );
        riskId = inserted.id;
        created += 1;
      }
      // Ratings and review dates are restored as they were exported (an import is not a new assessment).
      await tx
        .updateTable('risks')
        .set({
          last_reviewed_at: row.lastReviewedAt ? new Date(row.lastReviewedAt).toISOString() : null,
          ...(row.nextReviewAt ? { next_review_at: new Date(row.nextReviewAt).toISOString() } : {}),
          inherent_likelihood: row.inherentLikelihood,
          inherent_impact: row.inherentImpact,
          inherent_at:
            row.inherentLikelihood === null
              ? null
              : new Date(row.inherentAssessedAt ?? nowIso()).toISOString(),
          residual_likelihood: row.residualLikelihood,
          residual_impact: row.residualImpact,
          residual_at:
            row.residualLikelihood === null
              ? null
              : new Date(row.residualAssessedAt ?? nowIso()).toISOString(),
        })
        .where('id', '=', riskId)
        .execute();
    }
    await record({
      action: 'risk.imported',
      entityType: 'risk_register',
      changes: { created, updated, rows: records.length },
    });
    return { created, updated };
  });
}
