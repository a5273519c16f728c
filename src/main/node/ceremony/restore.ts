// `ceremony restore`: put a backed-up organisation key into this folder's store, under the node id it belongs to.
import { recordAudit } from '../audit/log.js';
import { resolve } from 'node:path';
import type { WriteDb } from '../db/sql.js';
import type { Result } from '../errors.js';
import { getMeta, recordIdentity, type KeyStoreRecord } from '../meta.js';
import { retirementOf } from '../rotation/store.js';
import { importEncryptedBackup, loadSigner } from '../secrets/identityKeys.js';
import { SecretStoreError, type SecretStore } from '../secrets/store.js';
import { openBackupPublicKey, parseBackupFile, readBackupFile, sealedText, type BackupFile } from './backupFile.js';
import { asResult, CeremonyError } from './errors.js';
import { ceremonyRecordPath, hasConfiguredKey, keySummary, nowOf, whileNodeStopped, withDatabase, type CeremonyContext, type KeySummary } from './folder.js';
import { placeInStore } from './placement.js';
import { appendCeremonyRecord } from './record.js';

export interface RestoreOptions extends CeremonyContext {
  backupPath: string;
  passphrase: string | null | undefined;
  /** Replace a different key already in the store (it is kept as a previous key) or restore under another node id. */
  force?: boolean;
}

export interface RestoreReport extends KeySummary {
  nodeId: string;
  keyStore: KeyStoreRecord;
  keyLocation: string;
  /** The key that was in the store before, when the restore replaced it. */
  replacedPublicKey: string | null;
  /** True when the store already held exactly this key. */
  wasAlreadyPresent: boolean;
  /** True when this folder had no identity and now has the backup's. */
  isNewIdentity: boolean;
  backupSha256: string;
  notices: string[];
  recordPath: string;
}

function nodeIdFor(opts: RestoreOptions, db: WriteDb, backup: BackupFile, notices: string[]): string {
  const persisted = getMeta(db, 'node_id');
  if (persisted === null) {
    if (opts.config.nodeId !== null && opts.config.nodeId !== backup.node_id) notices.push(`STIGMEM_NODE_ID=${opts.config.nodeId} is ignored: the restored identity is node ${backup.node_id}`);
    return backup.node_id;
  }
  if (persisted !== backup.node_id && !opts.force) {
    throw new CeremonyError('node_id_mismatch', `this data folder is node ${persisted}, but the backup is of node ${backup.node_id}; restore into an empty folder, or pass --force to use the backup's key as node ${persisted}'s`);
  }
  return persisted;
}

/** A backup of a key this node has rotated away from would roll its identity back: refused unless forced. */
function checkNotRetired(db: WriteDb, backup: BackupFile, force: boolean, notices: string[]): void {
  const retired = retirementOf(db, backup.public_key);
  if (retired === null) return;
  const what = `the backup holds key ${retired.old_key_id.slice(0, 16)}…, which this node rotated away from on ${retired.rotated_at} (to ${retired.new_key_id.slice(0, 16)}…)`;
  if (!force) {
    throw new CeremonyError('key_retired', `${what}; restoring it would roll the identity back, and peers that follow the rotation chain would refuse its signatures. Restore a backup made after the rotation, or pass --force`);
  }
  notices.push(`${what}: peers that follow the rotation chain will refuse its signatures until they pin it again`);
}

/** Import into `store`; a different key already there is refused unless forced (then kept as a previous key). */
async function importInto(store: SecretStore, account: string, backup: BackupFile, passphrase: string, force: boolean, seen: { replaced: string | null; same: boolean }) {
  const current = await loadSigner(store, account);
  seen.same = current?.publicKey === backup.public_key;
  seen.replaced = current && !seen.same ? current.publicKey : null;
  try {
    return await importEncryptedBackup(store, account, sealedText(backup), passphrase, { replace: force });
  } catch (e) {
    if (e instanceof SecretStoreError && e.code === 'key_exists') {
      throw new CeremonyError('key_exists', `${store.describe(account)} already holds a different key (${current?.keyId ?? 'unknown'}); pass --force to keep it as a previous key and use the backup's`);
    }
    throw e;
  }
}

export function restoreIdentity(opts: RestoreOptions): Promise<Result<RestoreReport>> {
  return asResult(async () => {
    const path = resolve(opts.backupPath);
    const { text, sha256 } = readBackupFile(path);
    const backup = parseBackupFile(text);
    if (!opts.passphrase) throw new CeremonyError('passphrase_missing', 'restoring a backup needs the passphrase it was sealed with');
    // The sealed key must open and be the key the file names before any store is touched.
    await openBackupPublicKey(backup, opts.passphrase);
    if (hasConfiguredKey(opts.config)) {
      throw new CeremonyError('configured_key', 'the environment supplies the node key (STIGMEM_NODE_PRIVATE_KEY, _FILE or the federation pair), so a restored key would not be used; unset it first');
    }
    return whileNodeStopped(opts.config, 'restore its key', () => withDatabase(opts.config, async (db) => {
      const notices: string[] = [];
      const account = nodeIdFor(opts, db, backup, notices);
      checkNotRetired(db, backup, opts.force === true, notices);
      const seen = { replaced: null as string | null, same: false };
      const placed = await placeInStore(opts, db, account, notices, (store) => importInto(store, account, backup, opts.passphrase!, opts.force === true, seen));
      if (placed.signer.publicKey !== backup.public_key) {
        throw new CeremonyError('backup_key_mismatch', `${placed.store.describe(account)} holds ${placed.signer.publicKey} after the restore, not the backup's ${backup.public_key}`);
      }
      const isNewIdentity = !placed.isRecorded;
      if (isNewIdentity) recordIdentity(db, account, { keyStore: placed.kind, fallbackReason: placed.fallbackReason });
      const recordPath = ceremonyRecordPath(opts.config);
      recordAudit(db, { category: 'identity', eventType: 'identity_restored', actor: account, subject: placed.signer.keyId, detail: { from: path, backup_sha256: sha256, key_store: placed.kind, replaced_public_key: seen.replaced } }, nowOf(opts));
      appendCeremonyRecord(recordPath, placed.signer, account, 'restore', nowOf(opts), {
        restored_from: path, backup_sha256: sha256, backup_created_at: backup.created_at, key_store: placed.kind,
        key_location: placed.store.describe(account), replaced_public_key: seen.replaced,
      });
      return {
        ...keySummary(placed.signer), nodeId: account, keyStore: placed.kind, keyLocation: placed.store.describe(account),
        replacedPublicKey: seen.replaced, wasAlreadyPresent: seen.same, isNewIdentity, backupSha256: sha256, notices, recordPath,
      };
    }));
  });
}
