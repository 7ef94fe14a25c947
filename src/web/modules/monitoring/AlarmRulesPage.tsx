// PLACEHOLDER: replaced by the monitoring web work in this session.
export default function AlarmRulesPage() {
  return null;
}
