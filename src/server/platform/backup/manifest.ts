import { z } from 'zod';

/** Bumped when the archive layout changes in a way an older restore cannot read. */
export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const TABLES_DIR = 'tables';
export const BLOBS_DIR = 'blobs';
/** Key files of the data dir (e.g. the DC-09 device-key key): the database's secrets are useless without them. */
export const KEYS_DIR = 'keys';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
// Archive member paths are relative, forward-slashed and never climb out of the archive.
const memberPath = z
  .string()
  .min(1)
  .max(1000)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must stay inside the archive');

export const manifestSchema = z.object({
  format: z.literal('vigil-backup'),
  formatVersion: z.number().int(),
  createdAt: z.iso.datetime(),
  /** The dialect the backup was taken from (informational: restores work into either). */
  dialect: z.enum(['sqlite', 'postgres']),
  /** Migrations applied to the source, in order; a restore migrates to the last one before loading. */
  migrations: z.array(z.string()),
  /** Tables in restore order (referenced tables first). */
  tables: z.array(
    z.object({
      name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
      file: memberPath,
      columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1),
      rows: z.number().int().nonnegative(),
    }),
  ),
  /** The head of the audit chain at the snapshot: a restore must end at exactly this entry. */
  audit: z.object({ count: z.number().int().nonnegative(), headHash: sha256.nullable() }),
  /** Every other member of the archive with its SHA-256, checked before anything is restored. */
  members: z.array(z.object({ path: memberPath, bytes: z.number().int().nonnegative(), sha256 })),
});
export type Manifest = z.infer<typeof manifestSchema>;
