/** A problem with what the user typed: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses a positive integer option value (commander argParser). */
export function positiveInteger(name: string) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
      throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
    return Number(value);
  };
}
