import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../errors.js';

/**
 * argon2id above the library defaults (4 MiB, t=3): 19 MiB and two passes, the OWASP Password
 * Storage Cheat Sheet's first recommended configuration.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const; // algorithm: argon2id, the library's default

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// ~49,000 common passwords shipped with zxcvbn-ts (from breach corpora).
const commonPasswords = new Set<string>(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Returns a reason the password is unacceptable, or null when it may be used. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered)) return 'is too common; choose a less guessable password';
  if (new Set(lowered).size < 4) return 'is too repetitive';
  return null;
}

/** Checks the policy and hashes; throws a 400 naming the field when the policy fails. */
export async function hashPassword(password: string, field = 'password'): Promise<string> {
  const problem = passwordProblem(password);
  if (problem)
    throw new AppError('validation_failed', `Password ${problem}.`, [{ path: field, message: problem }]);
  return hash(password, ARGON2_OPTIONS);
}

// Verified when the account does not exist, so that an unknown email costs the same time as a
// wrong password and login timing does not reveal which accounts exist.
let decoyHash: Promise<string> | undefined;

/** Verifies a password against a stored hash, or against a decoy when there is no hash. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  decoyHash ??= hash('decoy-password-for-timing', ARGON2_OPTIONS);
  const target = storedHash ?? (await decoyHash);
  try {
    const ok = await verify(target, password);
    return ok && storedHash !== null;
  } catch {
    return false;
  }
}
