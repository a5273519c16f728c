// One node per database. A running node holds an exclusive SQLite lock on `<db>.lock` for as long as it runs (the
// operating system drops it when the process ends, so a crash leaves nothing stale) and names its pid in `<db>.running`
// for the messages that refuse a second node, or a key rotation or restore underneath a live one.
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export const runLockPath = (dbPath: string): string => `${dbPath}.running`;
export const lockFilePath = (dbPath: string): string => `${dbPath}.lock`;

export interface RunLock {
  release(): void;
}

const NO_LOCK: RunLock = { release: () => undefined };

/** Another node (in another process, or started earlier in this one) holds the database. */
export class NodeRunningError extends Error {
  constructor(
    readonly dbPath: string,
    readonly pid: number | null,
  ) {
    super(`a node is already running on ${dbPath}${pid !== null ? ` (pid ${pid})` : ''}: stop it first, or give this one its own database (STIGMEM_DB_PATH)`);
  }
}

/** The lock's connection, 'held' when someone else has it, or 'unavailable' where no lock file can be made. */
function tryLock(dbPath: string): Database.Database | 'held' | 'unavailable' {
  let db: Database.Database;
  try {
    db = new Database(lockFilePath(dbPath), { timeout: 0 });
  } catch {
    return 'unavailable'; // a read-only folder: the node still runs, only the guard is missing
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (e) {
    db.close();
    const code = (e as { code?: string }).code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' ? 'held' : 'unavailable';
  }
}

/** The pid the holder recorded, when it is a number (the record only names; the lock decides). */
function recordedPid(dbPath: string): number | null {
  try {
    const pid = (JSON.parse(readFileSync(runLockPath(dbPath), 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Hold `dbPath` as its one node until `release`; throws NodeRunningError while another holds it. */
export function acquireRunLock(dbPath: string): RunLock {
  if (dbPath === ':memory:') return NO_LOCK;
  const lock = tryLock(dbPath);
  if (lock === 'held') throw new NodeRunningError(dbPath, recordedPid(dbPath));
  if (lock === 'unavailable') return NO_LOCK;
  const path = runLockPath(dbPath);
  const mine = JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() });
  try {
    writeFileSync(path, mine, { mode: 0o600 });
  } catch {
    // the record only names the holder in messages
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
      } catch {
        // already gone
      }
      lock.close();
    },
  };
}

/** Whether a node holds `dbPath` now, and its pid when it recorded one; null when none does. */
export function runningNode(dbPath: string): { pid: number | null } | null {
  if (dbPath === ':memory:') return null;
  const lock = tryLock(dbPath);
  if (lock === 'held') return { pid: recordedPid(dbPath) };
  if (lock !== 'unavailable') lock.close();
  return null;
}
