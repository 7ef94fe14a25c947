import type { Tx } from './database.js';

/**
 * The next value of a named counter, inside the caller's transaction. The row update serialises
 * concurrent callers (a row lock on PostgreSQL, the single writer on SQLite), so two nodes never
 * hand out the same number, and a rolled-back transaction gives its number back.
 */
export async function nextSequenceValue(tx: Tx, name: string): Promise<number> {
  await tx
    .insertInto('sequences')
    .values({ name, value: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await tx
    .updateTable('sequences')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow();
  return row.value;
}
