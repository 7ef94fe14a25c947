export { createBackup, type BackupOptions, type BackupSummary, type Progress } from './backup.js';
export { restoreBackup, type RestoreOptions, type RestoreSummary } from './restore.js';
export { manifestSchema, type Manifest } from './manifest.js';
export { BackupRefusal } from './refusal.js';
