// PLACEHOLDER: replaced by the monitoring web work in this session.
export default function SopsPage() {
  return null;
}
