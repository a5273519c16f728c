// The Data screen's operations: back the database up while the node runs (with progress), read what a backup holds,
// and, for the desktop, put one back (the node must stop for that: desktop/dataRestore.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { AutomaticBackups, DataBackupDone, DataBackupInfo, DataBackupInput, DataFileInput, DataInspected, DataOverview, DataRestoreInput, DataScheduleInput } from '../../../shared/data.js';
import { passphraseWeakness } from '../../../shared/passphrase.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { failureOf } from '../ceremony/errors.js';
import { dataDirOf } from '../ceremony/folder.js';
import { isDataBackupFile, openSealedBackup, readDataBackup } from '../data/backupFile.js';
import { backupMismatch } from '../data/restore.js';
import { unsealBackup } from '../data/sealed.js';
import { deleteSetting, setSetting } from '../admin/settings.js';
import { recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import { applyBackupSchedule, backupSchedule } from '../data/schedule.js';
import { automaticBackupSettings, SETTING_AUTOMATIC_BACKUP } from '../data/settings.js';
import { backupUnderWay, backUpNode, lastDataBackup } from '../data/service.js';
import { databaseDisk } from '../data/diskSpace.js';
import { sql } from '../db/sql.js';
import type { NodeDeps } from '../server/deps.js';
import { outputPathRefusal } from './outputFile.js';
import { withValidArgument } from './validArgument.js';

const NO_FOLDER = 'This node keeps no data folder (STIGMEM_DB_PATH=:memory:), so there is no database file to back up.';

const fileSize = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

/** For the Overview: can the database be backed up, when was it last, and does the node take backups itself. */
export function dataBackupStatus(deps: NodeDeps): { isPossible: boolean; lastAt: string | null; isAutomatic: boolean } {
  return { isPossible: deps.config.dbPath !== ':memory:', lastAt: lastDataBackup(deps)?.at ?? null, isAutomatic: backupSchedule(deps) !== null };
}

function overview(deps: NodeDeps): DataOverview {
  const dbPath = deps.config.dbPath;
  const isMemory = dbPath === ':memory:';
  const day = new Date(deps.clock.nowMs()).toISOString().slice(0, 10);
  return {
    entityUri: deps.orgEntityUri,
    dbPath,
    bytes: isMemory ? 0 : fileSize(dbPath) + fileSize(`${dbPath}-wal`),
    facts: deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM facts`)?.n ?? 0,
    isPossible: !isMemory,
    whyNot: isMemory ? NO_FOLDER : null,
    suggestedPath: isMemory ? '' : join(dataDirOf(deps.config), `node-data-${day}.sqlite`),
    lastBackup: lastDataBackup(deps),
    automatic: automaticState(deps),
    inProgress: backupUnderWay(deps),
    disk: databaseDisk(deps.config),
  };
}

async function backup(deps: NodeDeps, { path, overwrite, passphrase }: DataBackupInput): Promise<Result<DataBackupDone>> {
  if (deps.config.dbPath === ':memory:') return fail('no_data_folder', NO_FOLDER);
  const refusal = outputPathRefusal(path, overwrite, isDataBackupFile, 'a Stigmem database backup');
  if (refusal) return refusal;
  const weakness = passphrase === undefined ? null : passphraseWeakness(passphrase);
  if (weakness !== null) return fail('passphrase_too_weak', `the passphrase is too weak: ${weakness}`);
  const r = await backUpNode(deps, path, { overwrite, ...(passphrase !== undefined ? { passphrase } : {}) });
  return !r.ok && r.error.code === 'file_exists' && !overwrite ? fail('file_exists', `${path} already exists; choose another name, or ask to replace it`) : r;
}

function automaticState(deps: NodeDeps): AutomaticBackups | null {
  const schedule = backupSchedule(deps);
  const source = automaticBackupSettings(deps)?.source;
  return schedule && source ? { ...schedule.state, source, backups: schedule.backups } : null;
}

/** Automatic backups as the screen sets them (not over the environment's): saved, audited, the schedule replaced. */
function setSchedule(deps: NodeDeps, args: DataScheduleInput): Result<AutomaticBackups | null> {
  if (deps.config.dbPath === ':memory:') return fail('no_data_folder', NO_FOLDER);
  if (deps.config.backupDir !== null) return fail('configured_by_environment', `automatic backups are set by STIGMEM_BACKUP_DIR=${deps.config.backupDir}; change them there`);
  if (args.dir !== null && !isAbsolute(args.dir)) return fail('validation_failed', `give the folder's full path (${args.dir} is relative)`);
  const at = isoFromMs(deps.clock.nowMs());
  const settings = args.dir === null ? null : { dir: args.dir, intervalMinutes: args.intervalMinutes, keep: args.keep };
  deps.db.transaction(() => {
    if (settings === null) deleteSetting(deps.db, SETTING_AUTOMATIC_BACKUP);
    else setSetting(deps.db, SETTING_AUTOMATIC_BACKUP, JSON.stringify(settings), deps.orgEntityUri, at);
    recordAudit(deps.db, { category: 'admin', eventType: 'backup_schedule_changed', actor: deps.orgEntityUri, detail: { automatic_backup: settings } }, deps.clock.nowMs());
  });
  applyBackupSchedule(deps, settings);
  return ok(automaticState(deps));
}

/** Why this node cannot take `info` back, or null: only a backup of this node under the key it signs with now. */
function restoreMismatch(deps: NodeDeps, info: DataBackupInfo): string | null {
  return backupMismatch(info, { nodeId: deps.nodeId, keyId: deps.keys.org.keyId })?.message ?? null;
}

/** What the file holds and whether this node can take it back; a sealed one is opened (and checked) with its passphrase. */
async function inspect(deps: NodeDeps, { path, passphrase }: DataFileInput): Promise<Result<DataInspected>> {
  if (!isAbsolute(path)) return fail('validation_failed', `give the backup file's full path (${path} is relative)`);
  const plain = join(dataDirOf(deps.config), `.stigmem-inspect-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const said = await deps.backupCheck.check(path);
    const isOpening = said.sealed && passphrase !== undefined;
    const info = isOpening ? await openSealedBackup(path, passphrase, plain, (p) => deps.backupCheck.check(p)) : said;
    const whyNot = restoreMismatch(deps, info);
    return ok({ ...info, isOpened: !said.sealed || isOpening, isRestorable: whyNot === null, whyNot });
  } catch (e) {
    return failureOf(e);
  } finally {
    rmSync(plain, { force: true });
  }
}

/** Checked while the node still runs, so a refusal never stops it: the typed entity, the file, and that it is ours. */
async function dataRestoreRefusal(deps: NodeDeps, args: DataRestoreInput): Promise<Result<never> | null> {
  if (deps.config.dbPath === ':memory:') return fail('no_data_folder', NO_FOLDER);
  if (args.confirmEntity !== deps.orgEntityUri) return fail('validation_failed', `type ${deps.orgEntityUri} exactly to confirm the restore`);
  if (!isAbsolute(args.path)) return fail('validation_failed', `give the backup file's full path (${args.path} is relative)`);
  try {
    const info = await deps.backupCheck.check(args.path);
    const whyNot = restoreMismatch(deps, info);
    if (whyNot !== null) return fail('backup_mismatch', whyNot);
    if (info.sealed && args.passphrase === undefined) return fail('passphrase_missing', 'this backup is sealed: give the passphrase it was sealed with');
    return null;
  } catch (e) {
    return failureOf(e);
  }
}

/** dataRestoreRefusal, and for a sealed backup that its passphrase opens it, before anything is stopped. */
export async function dataRestorePrecheck(deps: NodeDeps, args: DataRestoreInput): Promise<Result<never> | null> {
  const refusal = await dataRestoreRefusal(deps, args);
  if (refusal !== null || args.passphrase === undefined) return refusal;
  try {
    if (readDataBackup(args.path).sealed) await unsealBackup(args.path, null, args.passphrase);
    return null;
  } catch (e) {
    return failureOf(e);
  }
}

const RESTORE_ELSEWHERE = 'restoring the database needs the node stopped: stop `stigmem serve`, run `stigmem data restore <file>` in its folder, and start it again (the desktop app does this for you)';

export const DATA_HANDLERS = {
  'data:overview': withValidArgument('data:overview', (deps) => ok(overview(deps))),
  'data:backup': withValidArgument('data:backup', (deps, args) => backup(deps, args)),
  // Polled while a backup runs: only the progress, not the whole overview (which counts the facts).
  'data:progress': withValidArgument('data:progress', (deps) => ok(backupUnderWay(deps))),
  'data:inspect': withValidArgument('data:inspect', (deps, args) => inspect(deps, args)),
  'data:schedule': withValidArgument('data:schedule', (deps, args) => setSchedule(deps, args)),
  'data:restore': withValidArgument('data:restore', async (deps, args) => (await dataRestorePrecheck(deps, args)) ?? fail('node_must_stop', RESTORE_ELSEWHERE)),
};
