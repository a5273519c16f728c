// The backup file: the sealed key (scrypt + AES-256-GCM envelope) plus, in the clear, whose key it is and its public key.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { normaliseKey } from '../crypto/base64url.js';
import { publicKeyFromSeed, seedFromPkcs8Pem } from '../crypto/ed25519.js';
import { parseJson } from '../json/parse.js';
import { openSecret } from '../secrets/envelope.js';
import { SecretStoreError } from '../secrets/store.js';
import { CeremonyError } from './errors.js';

export const BACKUP_FORMAT = 'stigmem-identity-backup';
export const BACKUP_VERSION = 1;
const MAX_BACKUP_BYTES = 64 * 1024;

export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  node_id: string;
  public_key: string;
  key_id: string;
  fingerprint: string;
  created_at: string;
  /** The sealed envelope exportEncryptedBackup wrote; its header is bound to the ciphertext. */
  sealed: Record<string, unknown>;
}

export function backupFileText(b: Omit<BackupFile, 'format' | 'version'>): string {
  const file: BackupFile = { format: BACKUP_FORMAT, version: BACKUP_VERSION, ...b };
  return JSON.stringify(file, null, 2) + '\n';
}

const invalid = (why: string): CeremonyError => new CeremonyError('backup_invalid', `not a usable key backup: ${why}`);
const isShortString = (v: unknown, max = 512): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Parse an untrusted backup file's text; the public fields are checked for shape, the key only when opened. */
export function parseBackupFile(text: string): BackupFile {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    throw invalid('not JSON');
  }
  const b = value as Partial<BackupFile> | null;
  if (typeof b !== 'object' || b === null || Array.isArray(b) || b.format !== BACKUP_FORMAT) throw invalid('unknown format');
  if (b.version !== BACKUP_VERSION) throw invalid(`unsupported version ${JSON.stringify(b.version)}`);
  if (!isShortString(b.node_id) || !isShortString(b.key_id) || !isShortString(b.fingerprint) || !isShortString(b.created_at)) throw invalid('missing node_id, key_id, fingerprint or created_at');
  if (!isShortString(b.public_key) || normaliseKey(b.public_key) === null) throw invalid('public_key is not a base64url Ed25519 key');
  if (typeof b.sealed !== 'object' || b.sealed === null || Array.isArray(b.sealed)) throw invalid('no sealed key');
  return { ...(b as BackupFile), public_key: normaliseKey(b.public_key)! };
}

export function readBackupFile(path: string): { text: string; sha256: string } {
  const size = statSync(path).size;
  if (size > MAX_BACKUP_BYTES) throw invalid(`${path} is larger than ${MAX_BACKUP_BYTES} bytes`);
  const bytes = readFileSync(path);
  return { text: bytes.toString('utf8'), sha256: 'sha256:' + createHash('sha256').update(bytes).digest('hex') };
}

/** The sealed envelope as the text importEncryptedBackup reads. */
export const sealedText = (b: BackupFile): string => JSON.stringify(b.sealed);

/**
 * Open the sealed key and return its public key; it must be the one the file names. A wrong passphrase stays
 * `passphrase_wrong` (GCM cannot tell it from an altered file); any other mismatch is `backup_key_mismatch`.
 */
export async function openBackupPublicKey(b: BackupFile, passphrase: string): Promise<string> {
  const pem = await openSecret(sealedText(b), passphrase, 'the key backup', 'the backup passphrase');
  let publicKey: string;
  try {
    const seed = seedFromPkcs8Pem(pem);
    publicKey = Buffer.from(publicKeyFromSeed(seed)).toString('base64url');
    seed.fill(0);
  } catch (e) {
    throw new SecretStoreError('key_store_damaged', `the key backup does not hold an Ed25519 key (${(e as Error).message})`, 'use another backup');
  }
  if (publicKey !== b.public_key) {
    throw new CeremonyError('backup_key_mismatch', `the key sealed in the backup (${publicKey}) is not the public key the file names (${b.public_key})`);
  }
  return publicKey;
}
