// Putting a database backup back on a stopped node: only one of this very node under its present key, the database it
// replaces kept beside it, the copy swapped in by one rename so a crash leaves the old database or the new one.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CeremonyRecordRestore, DataBackupInfo, DataRestoreDone } from '../../../shared/data.js';
import { asResult, CeremonyError } from '../ceremony/errors.js';
import { applyRecordPlan, localRecord, planRecordRestore, type RecordPlan } from '../ceremony/recordCarry.js';
import { ceremonyRecordPath, dataDirOf, hasConfiguredKey, loadExistingSigner, nowOf, requireFileDatabase, whileNodeStopped, withDatabase, type CeremonyContext } from '../ceremony/folder.js';
import type { Result } from '../errors.js';
import { getMeta, setMeta } from '../meta.js';
import { recordAudit } from '../audit/log.js';
import { databaseOpenKind } from '../db/openFailure.js';
import { openDatabase } from '../db/connection.js';
import { sql, wrapDatabase, type WriteDb } from '../db/sql.js';
import { CEREMONY_RECORD_META_KEY, DATA_BACKUP_META_KEY, fsyncFile, openSealedBackup } from './backupFile.js';
import { inlineBackupChecker, type BackupChecker } from './backupCheck.js';

/**
 * The node_meta rows that say where this machine keeps the key: the machine's own, never the backup's — unless this
 * machine's database is damaged, when the backup's rows are the ones that just loaded the key here.
 */
const CUSTODY_KEYS = ['key_store', 'key_store_fallback'] as const;

interface Present {
  nodeId: string;
  keyId: string;
  custody: Map<string, string | null>;
}

/** The node `db`'s records name, with its key loaded from where they say this machine keeps it. */
async function identityIn(ctx: CeremonyContext, db: WriteDb): Promise<Present> {
  const { signer, nodeId } = await loadExistingSigner(ctx, db);
  return { nodeId, keyId: signer.keyId, custody: new Map(CUSTODY_KEYS.map((k) => [k, getMeta(db, k)])) };
}

/** The node as its database says it is, or 'damaged' when that database cannot be read (the backup then says). */
async function presentIdentity(ctx: CeremonyContext): Promise<Present | 'damaged'> {
  try {
    return await withDatabase(ctx.config, (db) => identityIn(ctx, db));
  } catch (e) {
    if (databaseOpenKind(e) === 'damaged') return 'damaged';
    throw e;
  }
}

/**
 * For a damaged database: the key the backup's records point to on this machine (its key store, its keychain account)
 * must load and be the key the backup was taken under, so only this node's own backup goes back.
 */
async function identityFromBackup(ctx: CeremonyContext, info: DataBackupInfo, plainPath: string): Promise<Present> {
  const probe = `${ctx.config.dbPath}.identify-${randomBytes(6).toString('hex')}.tmp`;
  copyFileSync(plainPath, probe);
  try {
    const db = openDatabase(probe);
    let present: Present;
    try {
      present = await identityIn(ctx, db);
    } catch (e) {
      throw new CeremonyError('backup_key_mismatch', `the database is damaged, and the identity key this backup was taken under cannot be loaded on this machine (${(e as Error).message}); restore the key first (stigmem ceremony restore), then the data`);
    } finally {
      db.raw.close();
    }
    checkBelongs(info, present);
    return present;
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${probe}${suffix}`, { force: true });
  }
}

/** Why a node (its id, the key it signs with now) cannot take `info` back, or null: only its own, under that key. */
export function backupMismatch(info: DataBackupInfo, node: { nodeId: string; keyId: string }): { code: 'node_id_mismatch' | 'backup_key_mismatch'; message: string } | null {
  if (info.nodeId !== node.nodeId) {
    return { code: 'node_id_mismatch', message: `This backup is of node ${info.nodeId}, not of this node (${node.nodeId}); restore it on that node's folder.` };
  }
  if (info.keyId !== node.keyId) {
    return {
      code: 'backup_key_mismatch',
      message: `This backup was taken under an earlier identity key (${info.keyId.slice(0, 16)}…; this node signs with ${node.keyId.slice(0, 16)}… since a rotation); its manifests and rotation record would not match the key peers pinned. Restore a backup taken after the rotation.`,
    };
  }
  return null;
}

function checkBelongs(info: DataBackupInfo, present: Present): void {
  const mismatch = backupMismatch(info, present);
  if (mismatch !== null) throw new CeremonyError(mismatch.code, mismatch.message);
}

interface Prepared {
  tmp: string;
  record: RecordPlan;
}

/**
 * Copy the backup next to the database, drop its mark, keep this machine's key custody, take out the ceremony record it
 * carries (joined with this machine's record), note the restore in its audit log.
 */
function prepareCopy(plainPath: string, backupPath: string, ctx: CeremonyContext, present: Present, info: DataBackupInfo, previousSavedAs: string, nowMs: number, damaged: boolean): Prepared {
  const dbPath = ctx.config.dbPath;
  const tmp = `${dbPath}.restore-${randomBytes(6).toString('hex')}.tmp`;
  copyFileSync(plainPath, tmp);
  try {
    let record: RecordPlan;
    const raw = new Database(tmp);
    try {
      const db = wrapDatabase(raw);
      const carried = db.get<{ value: string }>(sql`SELECT value FROM node_meta WHERE key = ${CEREMONY_RECORD_META_KEY}`)?.value ?? null;
      record = planRecordRestore(localRecord(ceremonyRecordPath(ctx.config)), carried);
      const detail = { from: backupPath, taken_at: info.takenAt, previous_saved_as: previousSavedAs, ceremony_record: record.result.outcome, ...(damaged ? { replaced_damaged_database: true } : {}) };
      db.transaction(() => {
        db.run(sql`DELETE FROM node_meta WHERE key = ${DATA_BACKUP_META_KEY} OR key = ${CEREMONY_RECORD_META_KEY}`);
        for (const [key, value] of present.custody) {
          if (value === null) db.run(sql`DELETE FROM node_meta WHERE key = ${key}`);
          else setMeta(db, key, value);
        }
        recordAudit(db, { category: 'admin', eventType: 'database_restored', actor: info.entityUri, subject: info.nodeId, detail }, nowMs);
      });
      raw.pragma('journal_mode = WAL');
    } finally {
      raw.close();
    }
    chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    return { tmp, record };
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A sealed backup opened with its passphrase into a temporary copy beside the database (the caller removes it). */
async function unsealed(info: DataBackupInfo, passphrase: string | undefined, dbPath: string, checker: BackupChecker): Promise<{ info: DataBackupInfo; plainPath: string }> {
  if (!passphrase) throw new CeremonyError('passphrase_missing', 'this backup is sealed: restoring it needs the passphrase it was sealed with');
  const plainPath = `${dbPath}.unsealed-${randomBytes(6).toString('hex')}.tmp`;
  try {
    return { info: await openSealedBackup(info.path, passphrase, plainPath, (p) => checker.check(p)), plainPath };
  } catch (e) {
    rmSync(plainPath, { force: true });
    throw e;
  }
}

export function restoreData(ctx: CeremonyContext, backupPath: string, passphrase?: string, checker: BackupChecker = inlineBackupChecker): Promise<Result<DataRestoreDone>> {
  return asResult(async () => {
    requireFileDatabase(ctx.config);
    // Nothing is created for a refusal, not even the lock: a folder without a database has no identity for the backup to belong to.
    if (!existsSync(ctx.config.dbPath) && !hasConfiguredKey(ctx.config)) throw new CeremonyError('no_identity', `the data folder ${dataDirOf(ctx.config)} has no identity yet; restore the identity key first (stigmem ceremony restore, or the desktop's first start), then the data`);
    return whileNodeStopped(ctx.config, 'restore its database', () => restoreStopped(ctx, backupPath, passphrase, checker));
  });
}

async function restoreStopped(ctx: CeremonyContext, backupPath: string, passphrase: string | undefined, checker: BackupChecker): Promise<DataRestoreDone> {
    const path = resolve(backupPath);
    const present = await presentIdentity(ctx);
    // What the file says is checked first: a backup of another node or key is refused before any passphrase work.
    const said = await checker.check(path);
    if (present !== 'damaged') checkBelongs(said, present);
    const opened = said.sealed ? await unsealed(said, passphrase, ctx.config.dbPath, checker) : { info: said, plainPath: path };
    try {
      const identity = present === 'damaged' ? await identityFromBackup(ctx, opened.info, opened.plainPath) : present;
      return swapIn(ctx, identity, opened.info, opened.plainPath, present === 'damaged');
    } finally {
      if (opened.plainPath !== path) rmSync(opened.plainPath, { force: true });
    }
}

/** `damaged`: the database it replaces could not be read; it is kept as `<db>.damaged-<time>`, with its log. */
function swapIn(ctx: CeremonyContext, present: Present, info: DataBackupInfo, plainPath: string, damaged = false): DataRestoreDone {
  const dbPath = ctx.config.dbPath;
  // Held until the copy is in place: no program that has the database open (a `data backup` beside it) outlives the swap.
  const claim = damaged ? null : claimDatabase(dbPath);
  try {
    return swapClaimed(ctx, present, info, plainPath, damaged);
  } finally {
    claim?.close();
  }
}

/**
 * Leave the write-ahead log and take the database for this process alone: SQLite refuses that while any other
 * connection has the file open (its close would later remove the log of whatever opens the restored copy). The log is
 * folded into the file, so the copy kept of it is whole.
 */
function claimDatabase(dbPath: string): Database.Database {
  const db = new Database(dbPath, { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new CeremonyError('node_running', `another program has ${dbPath} open (a stigmem data backup, or a node): let it finish or stop it, then restore`);
    }
    throw e;
  }
}

function swapClaimed(ctx: CeremonyContext, present: Present, info: DataBackupInfo, plainPath: string, damaged: boolean): DataRestoreDone {
  const dbPath = ctx.config.dbPath;
  // Beside a damaged database, a log left belongs to the crash that left it, and it goes with that database.
  if (!damaged && existsSync(`${dbPath}-wal`) && statSync(`${dbPath}-wal`).size > 0) {
    throw new CeremonyError('node_running', `${dbPath}-wal is not empty: something still has the database open; stop it first`);
  }
  const nowMs = nowOf(ctx);
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  const previousSavedAs = `${dbPath}.${damaged ? 'damaged' : 'before-restore'}-${stamp}`;
  const { tmp, record } = prepareCopy(plainPath, info.path, ctx, present, info, previousSavedAs, nowMs, damaged);
  try {
    copyFileSync(dbPath, previousSavedAs);
    chmodSync(previousSavedAs, 0o600);
    for (const suffix of ['-wal', '-shm']) {
      if (damaged && existsSync(`${dbPath}${suffix}`)) renameSync(`${dbPath}${suffix}`, `${previousSavedAs}${suffix}`);
      else rmSync(`${dbPath}${suffix}`, { force: true });
    }
    renameSync(tmp, dbPath);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return { restored: info, previousSavedAs, ceremonyRecord: restoreRecord(ceremonyRecordPath(ctx.config), record, stamp) };
}

/** The database is already back: a record that cannot be written is reported, not a failed restore. */
function restoreRecord(path: string, plan: RecordPlan, stamp: string): CeremonyRecordRestore {
  try {
    return applyRecordPlan(path, plan, stamp);
  } catch (e) {
    return { outcome: 'failed', message: `The ceremony record could not be written to ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); this machine's is left as it was.` };
  }
}
