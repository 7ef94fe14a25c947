/** The table of stored quantifications (merged into the platform's Database type). */
export interface RiskQuantificationsTable {
  id: string;
  risk_id: string;
  label: string;
  /** One FAIR scenario of the simulation contract, as JSON. */
  scenario: string;
  iterations: number;
  seed: number;
  /** The engine's result for the scenario (statistics and loss exceedance), as JSON. */
  results: string;
  control_cost: number;
  note: string;
  created_by: string | null;
  created_by_name: string;
  created_at: string;
}

declare module '../../../platform/db/schema.js' {
  interface Database {
    risk_quantifications: RiskQuantificationsTable;
  }
}
