/** Tables owned by the risk register (merged into the platform's Database type). */
export interface RiskMatricesTable {
  id: string;
  name: string;
  size: number;
  likelihood_labels: string;
  impact_labels: string;
  levels: string;
  appetite_score: number;
  tolerance_score: number;
  is_default: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RisksTable {
  id: string;
  reference: string;
  title: string;
  description: string;
  category: string;
  status: string;
  assets: string;
  threat: string;
  vulnerability: string;
  owner_id: string | null;
  tags: string;
  matrix_id: string;
  review_every_days: number;
  last_reviewed_at: string | null;
  next_review_at: string;
  inherent_likelihood: number | null;
  inherent_impact: number | null;
  inherent_at: string | null;
  residual_likelihood: number | null;
  residual_impact: number | null;
  residual_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RiskSitesTable {
  risk_id: string;
  site_id: string;
}

export interface RiskAssessmentsTable {
  id: string;
  risk_id: string;
  kind: string;
  likelihood: number;
  impact: number;
  score: number;
  level: string;
  rationale: string;
  assessed_by: string;
  assessed_at: string;
}

export interface RiskTreatmentsTable {
  id: string;
  risk_id: string;
  strategy: string;
  description: string;
  status: string;
  approver_id: string | null;
  approved_at: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RiskActionsTable {
  id: string;
  treatment_id: string;
  title: string;
  owner_id: string | null;
  due_date: string | null;
  cost: number;
  status: string;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RiskSavedViewsTable {
  id: string;
  user_id: string;
  name: string;
  filters: string;
  created_at: string;
}

declare module '../../../platform/db/schema.js' {
  interface Database {
    risk_matrices: RiskMatricesTable;
    risks: RisksTable;
    risk_sites: RiskSitesTable;
    risk_assessments: RiskAssessmentsTable;
    risk_treatments: RiskTreatmentsTable;
    risk_actions: RiskActionsTable;
    risk_saved_views: RiskSavedViewsTable;
  }
}
