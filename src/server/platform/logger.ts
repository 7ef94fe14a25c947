import { pino, type Logger } from 'pino';

/**
 * Paths that must never reach a log: credentials, tokens and personal data. pino replaces them
 * before serialisation, so a careless `log.info({ body })` cannot leak them.
 */
export const redactedPaths = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.email',
  '*.phone',
  'email',
  'phone',
];

/** Creates the process logger. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' } },
    destination as pino.DestinationStream,
  );
}

export type { Logger };
