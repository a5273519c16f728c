// The Keys screen's part of the admin contract: the node's identity as peers see it, its ceremony record, and a
// passphrase-sealed backup of the identity key written where the operator says. The key itself never crosses.
import { isPassphraseValue, MAX_BACKUP_PASSPHRASE_LENGTH } from './passphrase.js';
import { fail, ok, type Result } from './result.js';
import { filePathValue, objectWith } from './validators.js';
/** The newest ceremony steps the screen lists (the record itself keeps every line). */
export const MAX_LISTED_CEREMONY_STEPS = 50;

export interface CeremonyStepSummary {
  line: number;
  step: string;
  at: string;
  keyId: string;
}

/** The ceremony record beside the database: none yet, every line verified, or why it does not verify. */
export type CeremonyRecordState =
  | { state: 'absent'; path: string }
  | { state: 'verified'; path: string; lines: number; steps: CeremonyStepSummary[]; notes: string[] }
  | { state: 'invalid'; path: string; problems: string };

/** A QR code as its module grid: `modules` holds size × size '0'/'1' characters, row by row. */
export interface QrGrid {
  size: number;
  modules: string;
  /** What it encodes: the public bundle's JSON (entity, public key, key id, node id). */
  text: string;
}

export interface IdentityOverview {
  entityUri: string;
  nodeId: string;
  publicKey: string;
  keyId: string;
  fingerprint: string;
  /** `sha256:<hex>`: what a reference node's operator passes as `approve` when registering this node as a peer. */
  approvalFingerprint: string;
  keyCustody: string;
  /** Whether this node's own stored key can be backed up here, and if not why (a key from the environment, say). */
  /** `lastAt`: the newest verified backup of this very key in the ceremony record (null: none recorded). */
  backup: { isPossible: boolean; whyNot: string | null; suggestedPath: string; lastAt: string | null };
  /** Whether the key can be rotated now (it needs the node's own stored key and a published manifest to re-sign). */
  rotation: { isPossible: boolean; whyNot: string | null };
  qr: QrGrid;
  record: CeremonyRecordState;
}

export interface BackupInput {
  /** Absolute path of the file to write (mode 0600). */
  path: string;
  passphrase: string;
  /** Replace an existing backup file at `path` (never any other kind of file). */
  overwrite: boolean;
}

export interface BackupDone {
  path: string;
  /** `sha256:<hex>` of the file as written and read back. */
  sha256: string;
  createdAt: string;
  keyId: string;
  fingerprint: string;
  recordPath: string;
}


export function validateBackupInput(arg: unknown): Result<BackupInput> {
  const f = objectWith(arg, ['path', 'passphrase', 'overwrite'], '{"path": "/media/usb/org-key.backup", "passphrase": "…", "overwrite": false}');
  if (!f.ok) return f;
  const { path, passphrase, overwrite } = f.value;
  const file = filePathValue(path);
  if (!file.ok) return file;
  if (!isPassphraseValue(passphrase)) return fail('validation_failed', `passphrase is 1 to ${MAX_BACKUP_PASSPHRASE_LENGTH} characters`);
  if (overwrite !== undefined && typeof overwrite !== 'boolean') return fail('validation_failed', 'overwrite is true or false');
  return ok({ path: file.value, passphrase, overwrite: overwrite === true });
}

/**
 * How long tokens signed by the key rotated away from keep verifying. Verifiers (ours and reference peers) count it from
 * the rotation event in the manifest, so the screen rotates with this window rather than offer one they would ignore.
 */
export const MIN_DUAL_TRUST_DAYS = 90;
export const MAX_DUAL_TRUST_DAYS = 3650;

export interface RotateKeyInput {
  /** The organisation entity, typed by the operator to confirm. */
  confirmEntity: string;
}

export interface KeyRef {
  keyId: string;
  fingerprint: string;
}

export interface RotationDone {
  previous: KeyRef;
  current: KeyRef;
  rotatedAt: string;
  dualTrustExpiresAt: string;
  /** The entities whose manifests were re-signed by the new key (with the rotation in their chain). */
  manifestsResigned: string[];
  recordPath: string;
}

export function validateRotateKey(arg: unknown): Result<RotateKeyInput> {
  const f = objectWith(arg, ['confirmEntity'], '{"confirmEntity": "stigmem://org.example"}');
  if (!f.ok) return f;
  const { confirmEntity } = f.value;
  if (typeof confirmEntity !== 'string' || confirmEntity.length > 2048) return fail('validation_failed', 'confirmEntity is the organisation entity, typed to confirm');
  return ok({ confirmEntity: confirmEntity.trim() });
}

/** A first start's choice: a new identity key (generated into the key store), or the one a backup holds. */
export type FirstRunChoice = { choice: 'new' } | { choice: 'restore'; path: string; passphrase: string };

export interface FirstRunDone {
  choice: 'new' | 'restore';
  /** For a restore: whose identity this folder now has. */
  restored: { nodeId: string; keyId: string; fingerprint: string; keyLocation: string } | null;
}

export function validateFirstRunChoice(arg: unknown): Result<FirstRunChoice> {
  const f = objectWith(arg, ['choice', 'path', 'passphrase'], '{"choice": "new"} or {"choice": "restore", "path": "/media/usb/org-key.backup", "passphrase": "…"}');
  if (!f.ok) return f;
  const { choice, path, passphrase } = f.value;
  if (choice === 'new') return path === undefined && passphrase === undefined ? ok({ choice }) : fail('validation_failed', 'a new identity takes no path or passphrase');
  if (choice !== 'restore') return fail('validation_failed', 'choice is "new" or "restore"');
  const file = filePathValue(path);
  if (!file.ok) return file;
  if (!isPassphraseValue(passphrase)) return fail('validation_failed', `passphrase is 1 to ${MAX_BACKUP_PASSPHRASE_LENGTH} characters`);
  return ok({ choice, path: file.value, passphrase });
}
