import {
  builtInRiskCategories,
  riskStatus,
  type RiskStatus,
  type Treatment,
  type RiskAction,
} from '../../../contracts/risk.js';

export const statusLabels: Record<RiskStatus, string> = {
  identified: 'Identified',
  assessed: 'Assessed',
  treating: 'Treating',
  accepted: 'Accepted',
  closed: 'Closed',
};
export const statusColors: Record<RiskStatus, string> = {
  identified: 'gray',
  assessed: 'blue',
  treating: 'violet',
  accepted: 'teal',
  closed: 'dark',
};
export const statusOptions = riskStatus.options.map((status) => ({
  value: status,
  label: statusLabels[status],
}));

/** "physical" → "Physical"; user-defined categories read the same way. */
export function categoryLabel(category: string): string {
  return category.charAt(0).toUpperCase() + category.slice(1);
}
export const categoryOptions = builtInRiskCategories.map((category) => ({
  value: category,
  label: categoryLabel(category),
}));

export const strategyLabels: Record<Treatment['strategy'], string> = {
  mitigate: 'Mitigate',
  transfer: 'Transfer',
  accept: 'Accept',
  avoid: 'Avoid',
};
export const strategyDescriptions: Record<Treatment['strategy'], string> = {
  mitigate: 'Reduce likelihood or impact with controls',
  transfer: 'Share the loss: insurance, contracts, outsourcing',
  accept: 'Bear the risk knowingly, until an expiry date',
  avoid: 'Stop the activity that creates the risk',
};
export const strategyColors: Record<Treatment['strategy'], string> = {
  mitigate: 'blue',
  transfer: 'grape',
  accept: 'orange',
  avoid: 'gray',
};
export const treatmentStatusLabels: Record<Treatment['status'], string> = {
  proposed: 'Proposed',
  approved: 'Approved',
  in_progress: 'In progress',
  completed: 'Completed',
  expired: 'Expired',
  rejected: 'Rejected',
};
export const treatmentStatusColors: Record<Treatment['status'], string> = {
  proposed: 'yellow',
  approved: 'teal',
  in_progress: 'blue',
  completed: 'green',
  expired: 'red',
  rejected: 'gray',
};
export const actionStatusLabels: Record<RiskAction['status'], string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};
