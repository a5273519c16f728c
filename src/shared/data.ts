// The Data screen's part of the admin contract: a copy of the node's database (facts, peers, tokens, audit log) taken
// while it runs, what a copy holds, and putting one back. Keys are not in it: they have their own sealed backup.
import { isPassphraseValue, MAX_BACKUP_PASSPHRASE_LENGTH } from './passphrase.js';
import { fail, ok, type Result } from './result.js';
import { filePathValue, objectWith } from './validators.js';

/** What a database backup file says about itself. */
export interface DataBackupInfo {
  path: string;
  bytes: number;
  /** Sealed under a passphrase: its contents open only with it (what it holds is in its header until then). */
  sealed: boolean;
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
  /** False for a sealed backup read without its passphrase: what it holds is its header's word until it is opened. */
  isOpened: boolean;
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
  /** Automatic backups: where, how often, how many kept, the next one, the last failure, and who set them. */
  automatic: AutomaticBackups | null;
  inProgress: BackupProgress | null;
  /** Free space on the database's disk (null: in memory, or the file system does not say). */
  disk: DatabaseDisk | null;
}

/** The file system holding the database; `isLow` when free space is under the node's warning level. */
export interface DatabaseDisk {
  freeBytes: number;
  totalBytes: number;
  isLow: boolean;
}

/** A backup under way: where to, since when, how far it has come (0..1). */
export interface BackupProgress {
  path: string;
  startedAt: string;
  fraction: number;
}

export interface AutomaticBackups {
  dir: string;
  intervalMinutes: number;
  keep: number;
  nextAt: string | null;
  lastError: string | null;
  /** `environment`: STIGMEM_BACKUP_DIR, which the screen cannot change; `screen`: chosen on the Data screen. */
  source: 'environment' | 'screen';
  /** Sealed under STIGMEM_BACKUP_PASSPHRASE (the node never stores a passphrase itself). */
  sealed: boolean;
  /** This node's automatic backups in the folder, newest first (what the Data screen offers to restore). */
  backups: DataBackupInfo[];
}

export const MAX_BACKUP_INTERVAL_MINUTES = 525_600;
export const MAX_BACKUPS_KEPT = 1000;

/** Automatic backups as the Data screen sets them: a folder (null turns them off), an interval, how many to keep. */
export interface DataScheduleInput {
  dir: string | null;
  intervalMinutes: number;
  keep: number;
}

export function validateDataScheduleInput(arg: unknown): Result<DataScheduleInput> {
  const f = objectWith(arg, ['dir', 'intervalMinutes', 'keep'], '{"dir": "/media/backup/stigmem", "intervalMinutes": 1440, "keep": 7}');
  if (!f.ok) return f;
  const { dir, intervalMinutes, keep } = f.value;
  let folder: string | null = null;
  if (dir !== null) {
    const d = filePathValue(dir);
    if (!d.ok) return fail('validation_failed', "dir is the folder's full path, or null to turn automatic backups off");
    folder = d.value;
  }
  if (typeof intervalMinutes !== 'number' || !Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > MAX_BACKUP_INTERVAL_MINUTES) {
    return fail('validation_failed', `intervalMinutes is a whole number from 1 to ${MAX_BACKUP_INTERVAL_MINUTES}`);
  }
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1 || keep > MAX_BACKUPS_KEPT) return fail('validation_failed', `keep is a whole number from 1 to ${MAX_BACKUPS_KEPT}`);
  return ok({ dir: folder, intervalMinutes, keep });
}

export interface DataBackupInput {
  /** Absolute path of the file to write (mode 0600). */
  path: string;
  /** Replace an existing database backup at `path` (never any other kind of file). */
  overwrite: boolean;
  /** Seal the copy under this passphrase (for a copy that leaves the machine). */
  passphrase?: string;
}

export interface DataBackupDone extends DataBackupInfo {
  /** `sha256:<hex>` of the file as written. */
  sha256: string;
}

export interface DataFileInput {
  path: string;
  /** For a sealed backup: open it with this, so what it holds is checked rather than read from its header. */
  passphrase?: string;
}

export interface DataRestoreInput {
  path: string;
  /** The passphrase of a sealed backup. */
  passphrase?: string;
  /** The organisation entity, typed to confirm that the node's data is replaced. */
  confirmEntity: string;
}

export interface DataRestoreDone {
  restored: DataBackupInfo;
  /** Where the database it replaced was kept (nothing is deleted). */
  previousSavedAs: string;
  ceremonyRecord: CeremonyRecordRestore;
}

const PATH_EXAMPLE = '{"path": "/media/usb/node-data.sqlite"}';

/** An optional passphrase: absent, or 1 to MAX_BACKUP_PASSPHRASE_LENGTH characters. */
function optionalPassphrase(v: unknown): Result<{ passphrase?: string }> {
  if (v === undefined) return ok({});
  return isPassphraseValue(v) ? ok({ passphrase: v }) : fail('validation_failed', `passphrase is 1 to ${MAX_BACKUP_PASSPHRASE_LENGTH} characters`);
}

export function validateDataBackupInput(arg: unknown): Result<DataBackupInput> {
  const f = objectWith(arg, ['path', 'overwrite', 'passphrase'], '{"path": "/media/usb/node-data.sqlite", "overwrite": false}');
  if (!f.ok) return f;
  const file = filePathValue(f.value['path']);
  if (!file.ok) return file;
  const overwrite = f.value['overwrite'];
  if (overwrite !== undefined && typeof overwrite !== 'boolean') return fail('validation_failed', 'overwrite is true or false');
  const p = optionalPassphrase(f.value['passphrase']);
  return p.ok ? ok({ path: file.value, overwrite: overwrite === true, ...p.value }) : p;
}

export function validateDataFileInput(arg: unknown): Result<DataFileInput> {
  const f = objectWith(arg, ['path', 'passphrase'], PATH_EXAMPLE);
  if (!f.ok) return f;
  const file = filePathValue(f.value['path']);
  if (!file.ok) return file;
  const p = optionalPassphrase(f.value['passphrase']);
  return p.ok ? ok({ path: file.value, ...p.value }) : p;
}

export function validateDataRestoreInput(arg: unknown): Result<DataRestoreInput> {
  const f = objectWith(arg, ['path', 'confirmEntity', 'passphrase'], '{"path": "/media/usb/node-data.sqlite", "confirmEntity": "stigmem://org.example"}');
  if (!f.ok) return f;
  const file = filePathValue(f.value['path']);
  if (!file.ok) return file;
  const confirmEntity = f.value['confirmEntity'];
  if (typeof confirmEntity !== 'string' || confirmEntity.length > 2048) return fail('validation_failed', 'confirmEntity is the organisation entity, typed to confirm');
  const p = optionalPassphrase(f.value['passphrase']);
  return p.ok ? ok({ path: file.value, confirmEntity: confirmEntity.trim(), ...p.value }) : p;
}

/** What a restore did with the ceremony record the backup carried (see ceremony/recordCarry.ts). */
export interface CeremonyRecordRestore {
  outcome: 'none' | 'restored' | 'merged' | 'kept' | 'kept_apart' | 'failed';
  message: string;
  /** Where the backup's record was put when it was not joined to this machine's. */
  savedAs?: string;
}
