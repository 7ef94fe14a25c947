// PLACEHOLDER: replaced by the incidents web work in this session.
export default function CasePage() {
  return null;
}
