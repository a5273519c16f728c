// The CLI's database backup of the node in this folder: the same copy the Data screen takes, whether or not the node
// runs (a reader beside a running node sees one consistent moment: the copy is taken inside one read transaction).
import type Database from 'better-sqlite3';
import { resolve } from 'node:path';
import type { DataBackupDone } from '../../../shared/data.js';
import { recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import { asResult } from '../ceremony/errors.js';
import { ceremonyRecordPath, dataDirOf, loadExistingSigner, nowOf, requireIdentityFolder, withDatabase, type CeremonyContext } from '../ceremony/folder.js';
import type { Result } from '../errors.js';
import { orgEntityFor } from '../config/orgEntity.js';
import { writeDataBackup } from './backupFile.js';

/** `signal` stops the copy and removes what it had written (Ctrl-C); the result is then `interrupted`. */
export function backupFolderDatabase(ctx: CeremonyContext, outPath: string, overwrite: boolean, passphrase?: string, signal?: AbortSignal): Promise<Result<DataBackupDone>> {
  return asResult(async () => {
    requireIdentityFolder(ctx.config);
    const path = resolve(outPath);
    return withDatabase(ctx.config, async (db) => {
      const { signer, nodeId } = await loadExistingSigner(ctx, db);
      const entityUri = orgEntityFor(ctx.config);
      const mark = { takenAt: isoFromMs(nowOf(ctx)), nodeId, entityUri, keyId: signer.keyId };
      const sealing = passphrase === undefined ? {} : { passphrase, workDir: dataDirOf(ctx.config) };
      const done = await inOneSnapshot(db.raw, (endSnapshot) => writeDataBackup(db.raw, { path, overwrite, mark, signal, onCopied: endSnapshot, ceremonyRecordPath: ceremonyRecordPath(ctx.config), ...sealing }));
      recordAudit(db, { category: 'admin', eventType: 'database_backup', actor: entityUri, subject: nodeId, detail: { path, bytes: done.bytes, sha256: done.sha256, facts: done.facts, sealed: done.sealed } }, nowOf(ctx));
      return done;
    });
  });
}

/**
 * Run `work` inside one read transaction on this process's own connection: a node's writes meanwhile (another
 * connection) neither show in the copy nor restart it, so it is taken in steps, between which it can be stopped.
 * `work` ends the snapshot once it has read the database, so a running node's log is not held back while it seals.
 */
async function inOneSnapshot<T>(raw: Database.Database, work: (endSnapshot: () => void) => Promise<T>): Promise<T> {
  raw.exec('BEGIN');
  const endSnapshot = (): void => {
    if (raw.inTransaction) raw.exec('COMMIT');
  };
  try {
    raw.prepare('SELECT COUNT(*) FROM node_meta').pluck().get(); // the snapshot starts at the first read
    return await work(endSnapshot);
  } finally {
    endSnapshot();
  }
}
