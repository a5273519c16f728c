// `ceremony backup`: seal the organisation key under a passphrase into a 0600 file, then prove the file opens.
import { recordAudit } from '../audit/log.js';
import { orgEntityFor } from '../config/orgEntity.js';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Result } from '../errors.js';
import { exportEncryptedBackup } from '../secrets/identityKeys.js';
import { backupFileText, openBackupPublicKey, parseBackupFile, readBackupFile } from './backupFile.js';
import { asResult, CeremonyError } from './errors.js';
import { writeOutputFile } from './files.js';
import { ceremonyRecordPath, keySummary, nowOf, openOwnKeyStore, requireIdentityFolder, withDatabase, type CeremonyContext, type KeySummary } from './folder.js';
import { checkBackupPassphrase } from './passphrase.js';
import { appendCeremonyRecord, isoZ } from './record.js';

/** How the backup file is written and read back (tests replace it to simulate a disk that alters the file). */
export interface BackupIo {
  write(path: string, text: string, overwrite: boolean): void;
  read(path: string): { text: string; sha256: string };
}

export const fileBackupIo: BackupIo = {
  write: (path, text, overwrite) => writeOutputFile(path, text, 0o600, overwrite),
  read: readBackupFile,
};

export interface BackupOptions extends CeremonyContext {
  outPath: string;
  passphrase: string | null | undefined;
  /** Replace an existing file at outPath. */
  force?: boolean;
  io?: BackupIo;
  /** Stops the step before the file is written (Ctrl-C); once it is, the step finishes and verifies it. */
  signal?: AbortSignal;
}

export interface BackupReport extends KeySummary {
  nodeId: string;
  path: string;
  /** `sha256:<hex>` of the file as written and verified. */
  sha256: string;
  createdAt: string;
  keyLocation: string;
  recordPath: string;
}

/**
 * Read the file back, open it with the passphrase and compare the key with `expectedPublicKey`; a file that fails is
 * removed and reported as `backup_verify_failed`.
 */
export async function verifyWrittenBackup(io: BackupIo, path: string, passphrase: string, expectedPublicKey: string): Promise<string> {
  try {
    const { text, sha256 } = io.read(path);
    const file = parseBackupFile(text);
    if (file.public_key !== expectedPublicKey) throw new CeremonyError('backup_key_mismatch', `the file names public key ${file.public_key}, not ${expectedPublicKey}`);
    await openBackupPublicKey(file, passphrase);
    return sha256;
  } catch (e) {
    rmSync(path, { force: true });
    const why = e instanceof Error ? e.message : String(e);
    throw new CeremonyError('backup_verify_failed', `the backup written to ${path} did not open again (${why}); it was removed, so try again or use another disk`);
  }
}

export function backupIdentity(opts: BackupOptions): Promise<Result<BackupReport>> {
  return asResult(async () => {
    const passphrase = checkBackupPassphrase(opts.passphrase);
    requireIdentityFolder(opts.config);
    const path = resolve(opts.outPath);
    const io = opts.io ?? fileBackupIo;
    return withDatabase(opts.config, async (db) => {
      const { store, account, signer } = await openOwnKeyStore(opts, db, 'back up');
      const nowMs = nowOf(opts);
      const sealed = JSON.parse(await exportEncryptedBackup(store, account, passphrase)) as Record<string, unknown>;
      const createdAt = isoZ(nowMs);
      const text = backupFileText({ node_id: account, public_key: signer.publicKey, key_id: signer.keyId, fingerprint: signer.fingerprint, created_at: createdAt, sealed });
      opts.signal?.throwIfAborted();
      io.write(path, text, opts.force === true);
      const sha256 = await verifyWrittenBackup(io, path, passphrase, signer.publicKey);
      const recordPath = ceremonyRecordPath(opts.config);
      recordAudit(db, { category: 'identity', eventType: 'identity_backup', actor: orgEntityFor(opts.config), subject: signer.keyId, detail: { path, sha256 } }, nowMs);
      appendCeremonyRecord(recordPath, signer, account, 'backup', nowMs, { backup_file: path, backup_sha256: sha256, backup_verified: true, key_location: store.describe(account) });
      return { ...keySummary(signer), nodeId: account, path, sha256, createdAt, keyLocation: store.describe(account), recordPath };
    });
  });
}
