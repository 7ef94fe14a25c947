// PLACEHOLDER: replaced by the incidents web work in this session.
export default function IncidentListPage() {
  return null;
}
