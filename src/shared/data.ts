// The Data screen's part of the admin contract: a copy of the node's database (facts, peers, tokens, audit log) taken
// while it runs, what a copy holds, and putting one back. Keys are not in it: they have their own sealed backup.
import { fail, ok, type Result } from './result.js';
import { filePathValue, objectWith } from './validators.js';

/** What a database backup file says about itself. */
export interface DataBackupInfo {
  path: string;
  bytes: number;
  takenAt: string;
  nodeId: string;
  entityUri: string;
  /** The identity key the node signed with when the copy was taken: only a node with that key takes it back. */
  keyId: string;
  schemaVersion: number;
  facts: number;
  peers: number;
}

/** A backup file as the Data screen shows it before a restore: what it holds and whether this node can take it back. */
export interface DataInspected extends DataBackupInfo {
  isRestorable: boolean;
  whyNot: string | null;
}

export interface DataOverview {
  /** The organisation entity, typed to confirm a restore. */
  entityUri: string;
  dbPath: string;
  /** The database's size on disk (with its write-ahead log), in bytes. */
  bytes: number;
  facts: number;
  isPossible: boolean;
  whyNot: string | null;
  suggestedPath: string;
  /** The newest backup this node wrote (from its audit log), or null. */
  lastBackup: { at: string; path: string } | null;
  /** Automatic backups (STIGMEM_BACKUP_DIR): where, how often, how many kept, the next one, the last failure. */
  automatic: { dir: string; intervalMinutes: number; keep: number; nextAt: string | null; lastError: string | null } | null;
  /** A backup under way: how far it has come (0..1). */
  inProgress: { path: string; startedAt: string; fraction: number } | null;
}

export interface DataBackupInput {
  /** Absolute path of the file to write (mode 0600). */
  path: string;
  /** Replace an existing database backup at `path` (never any other kind of file). */
  overwrite: boolean;
}

export interface DataBackupDone extends DataBackupInfo {
  /** `sha256:<hex>` of the file as written. */
  sha256: string;
}

export interface DataFileInput {
  path: string;
}

export interface DataRestoreInput {
  path: string;
  /** The organisation entity, typed to confirm that the node's data is replaced. */
  confirmEntity: string;
}

export interface DataRestoreDone {
  restored: DataBackupInfo;
  /** Where the database it replaced was kept (nothing is deleted). */
  previousSavedAs: string;
}

const PATH_EXAMPLE = '{"path": "/media/usb/node-data.sqlite"}';

export function validateDataBackupInput(arg: unknown): Result<DataBackupInput> {
  const f = objectWith(arg, ['path', 'overwrite'], '{"path": "/media/usb/node-data.sqlite", "overwrite": false}');
  if (!f.ok) return f;
  const file = filePathValue(f.value['path']);
  if (!file.ok) return file;
  const overwrite = f.value['overwrite'];
  if (overwrite !== undefined && typeof overwrite !== 'boolean') return fail('validation_failed', 'overwrite is true or false');
  return ok({ path: file.value, overwrite: overwrite === true });
}

export function validateDataFileInput(arg: unknown): Result<DataFileInput> {
  const f = objectWith(arg, ['path'], PATH_EXAMPLE);
  if (!f.ok) return f;
  const file = filePathValue(f.value['path']);
  return file.ok ? ok({ path: file.value }) : file;
}

export function validateDataRestoreInput(arg: unknown): Result<DataRestoreInput> {
  const f = objectWith(arg, ['path', 'confirmEntity'], '{"path": "/media/usb/node-data.sqlite", "confirmEntity": "stigmem://org.example"}');
  if (!f.ok) return f;
  const file = filePathValue(f.value['path']);
  if (!file.ok) return file;
  const confirmEntity = f.value['confirmEntity'];
  if (typeof confirmEntity !== 'string' || confirmEntity.length > 2048) return fail('validation_failed', 'confirmEntity is the organisation entity, typed to confirm');
  return ok({ path: file.value, confirmEntity: confirmEntity.trim() });
}
