// The CLI's database backup of the node in this folder: the same copy the Data screen takes, whether or not the node
// runs (a reader beside a running node sees one consistent moment; the copy is taken in one step).
import { resolve } from 'node:path';
import type { DataBackupDone } from '../../../shared/data.js';
import { recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import { asResult } from '../ceremony/errors.js';
import { ceremonyRecordPath, dataDirOf, loadExistingSigner, nowOf, requireIdentityFolder, withDatabase, type CeremonyContext } from '../ceremony/folder.js';
import type { Result } from '../errors.js';
import { orgEntityFor } from '../config/orgEntity.js';
import { writeDataBackup } from './backupFile.js';

export function backupFolderDatabase(ctx: CeremonyContext, outPath: string, overwrite: boolean, passphrase?: string): Promise<Result<DataBackupDone>> {
  return asResult(async () => {
    requireIdentityFolder(ctx.config);
    const path = resolve(outPath);
    return withDatabase(ctx.config, async (db) => {
      const { signer, nodeId } = await loadExistingSigner(ctx, db);
      const entityUri = orgEntityFor(ctx.config);
      const mark = { takenAt: isoFromMs(nowOf(ctx)), nodeId, entityUri, keyId: signer.keyId };
      const sealing = passphrase === undefined ? {} : { passphrase, workDir: dataDirOf(ctx.config) };
      const done = await writeDataBackup(db.raw, { path, overwrite, mark, pagesPerStep: Infinity, ceremonyRecordPath: ceremonyRecordPath(ctx.config), ...sealing });
      recordAudit(db, { category: 'admin', eventType: 'database_backup', actor: entityUri, subject: nodeId, detail: { path, bytes: done.bytes, sha256: done.sha256, facts: done.facts, sealed: done.sealed } }, nowOf(ctx));
      return done;
    });
  });
}
