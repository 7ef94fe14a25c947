/** The key a new incident type gets from its label: "Tailgating / piggy-backing" → "tailgating_piggy_backing". */
export function typeKeyOf(label: string): string {
  const words = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 50);
  return words.replace(/_+$/, '');
}
