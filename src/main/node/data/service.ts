// Taking a database backup on a running node: one at a time, its progress kept for the Data screen, audited. Shared by
// the Data screen and the automatic schedule.
import type { DataBackupDone } from '../../../shared/data.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import { failureOf } from '../ceremony/errors.js';
import { ceremonyRecordPath, dataDirOf } from '../ceremony/folder.js';
import type { NodeDeps } from '../server/deps.js';
import { sql } from '../db/sql.js';
import { writeDataBackup } from './backupFile.js';

export interface BackupUnderWay {
  path: string;
  startedAt: string;
  fraction: number;
}

const running = new WeakMap<NodeDeps, BackupUnderWay>();
/** Settles when the backup under way ends, however it ends. */
const finishing = new WeakMap<NodeDeps, Promise<unknown>>();

/** The newest database backup this node recorded in its audit log (only automatic ones when asked), or null. */
export function lastDataBackup(deps: NodeDeps, opts: { automatic?: boolean } = {}): { at: string; path: string } | null {
  const automatic = opts.automatic ? sql` AND json_extract(detail, '$.automatic') = 1` : sql``;
  const row = deps.db.get<{ ts: string; detail: string | null }>(sql`SELECT ts, detail FROM audit_events WHERE event_type = 'database_backup'${automatic} ORDER BY seq DESC LIMIT 1`);
  if (!row) return null;
  const path = (JSON.parse(row.detail ?? '{}') as { path?: unknown }).path;
  return { at: row.ts, path: typeof path === 'string' ? path : '' };
}

export function backupUnderWay(deps: NodeDeps): BackupUnderWay | null {
  return running.get(deps) ?? null;
}

/** Resolves once the backup under way (if any) has ended. */
export async function backupFinished(deps: NodeDeps): Promise<void> {
  await finishing.get(deps)?.catch(() => undefined);
}

/** A step that stops the node would abort a backup under way: refused until it is done. */
export function backupUnderWayRefusal(deps: NodeDeps): Result<never> | null {
  const under = running.get(deps);
  return under ? fail('busy', `a database backup to ${under.path} is under way; wait for it to finish`) : null;
}

/** Copy the node's database to `path` (refused with `busy` while another copy runs). */
export function backUpNode(deps: NodeDeps, path: string, opts: { overwrite: boolean; automatic?: boolean; passphrase?: string }): Promise<Result<DataBackupDone>> {
  const busy = backupUnderWayRefusal(deps);
  if (busy) return Promise.resolve(busy);
  const state: BackupUnderWay = { path, startedAt: isoFromMs(deps.clock.nowMs()), fraction: 0 };
  running.set(deps, state);
  const done = copyNode(deps, state, opts);
  finishing.set(deps, done);
  return done;
}

async function copyNode(deps: NodeDeps, state: BackupUnderWay, opts: { overwrite: boolean; automatic?: boolean; passphrase?: string }): Promise<Result<DataBackupDone>> {
  const { path } = state;
  try {
    const mark = { takenAt: state.startedAt, nodeId: deps.nodeId, entityUri: deps.orgEntityUri, keyId: deps.keys.org.keyId };
    const sealing = opts.passphrase === undefined ? {} : { passphrase: opts.passphrase, workDir: dataDirOf(deps.config) };
    const record = deps.config.dbPath === ':memory:' ? {} : { ceremonyRecordPath: ceremonyRecordPath(deps.config) };
    const done = await writeDataBackup(deps.db.raw, { path, overwrite: opts.overwrite, mark, onProgress: (f) => (state.fraction = f), ...record, ...sealing });
    const detail = { path, bytes: done.bytes, sha256: done.sha256, facts: done.facts, sealed: done.sealed, ...(opts.automatic ? { automatic: true } : {}) };
    recordAudit(deps.db, { category: 'admin', eventType: 'database_backup', actor: deps.orgEntityUri, subject: deps.nodeId, detail }, deps.clock.nowMs());
    return ok(done);
  } catch (e) {
    return failureOf(e);
  } finally {
    running.delete(deps);
    finishing.delete(deps);
  }
}
