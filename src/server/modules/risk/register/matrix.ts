import type { Rating, RiskMatrix } from '../../../../contracts/risk.js';
import type { RiskMatricesTable } from './tables.js';

export function toMatrix(row: RiskMatricesTable): RiskMatrix {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    likelihoodLabels: JSON.parse(row.likelihood_labels) as string[],
    impactLabels: JSON.parse(row.impact_labels) as string[],
    levels: JSON.parse(row.levels) as RiskMatrix['levels'],
    appetiteScore: row.appetite_score,
    toleranceScore: row.tolerance_score,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The band a score falls in: the last level whose minScore it reaches. */
export function levelOf(matrix: Pick<RiskMatrix, 'levels'>, score: number): { name: string; colour: string } {
  let found = matrix.levels[0] ?? { name: 'Unrated', colour: '#868e96' };
  for (const level of matrix.levels) if (score >= level.minScore) found = level;
  return { name: found.name, colour: found.colour };
}

/** A rating on a matrix, or null when likelihood/impact are not set. */
export function ratingOf(
  matrix: RiskMatrix,
  likelihood: number | null,
  impact: number | null,
  at: string | null,
): Rating | null {
  if (likelihood === null || impact === null || at === null) return null;
  const score = likelihood * impact;
  const level = levelOf(matrix, score);
  return { likelihood, impact, score, level: level.name, colour: level.colour, assessedAt: at };
}
