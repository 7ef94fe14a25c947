/**
 * Backup or restore declined to start or to finish because of what it was given (an existing
 * output file, a non-empty target, a damaged archive). Nothing was changed; the message says why.
 */
export class BackupRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefusal';
  }
}
