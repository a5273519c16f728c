// A schema upgrade off the caller's thread: a worker opens the file and runs the pending migrations, reporting each as
// it starts, so a desktop window stays responsive and shows progress while a large database is rebuilt.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseUpgradeError, DatabaseVersionError, openDatabase } from './connection.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export interface UpgradeStep {
  version: number;
  name: string;
  /** 1-based position among this upgrade's migrations. */
  index: number;
  total: number;
}

export type UpgradeWorkerReply =
  | { type: 'ready' }
  | { type: 'step'; version: number }
  | { type: 'done' }
  | { type: 'failed'; kind: 'upgrade' | 'version' | 'other'; message: string; code?: string };

/** The upgrade worker a build put beside its entry bundle; run from sources there is none. */
export function builtUpgradeWorker(bundleDir: string): string | undefined {
  const file = join(bundleDir, 'upgradeWorker.js');
  return existsSync(file) ? file : undefined;
}

/** The migrations an existing file still needs (none for a new file: creating tables takes no time worth showing). */
export function pendingUpgrade(path: string, migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  if (path === ':memory:' || !existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    return version === 0 ? [] : migrations.slice(version);
  } finally {
    db.close();
  }
}

export interface UpgradeOptions {
  workerFile?: string;
  onStep?: (step: UpgradeStep) => void;
  /** Told once when the worker cannot start and the upgrade runs on the caller's thread instead. */
  onNotice?: (message: string) => void;
}

/** Run every pending migration of the file at `path`; resolves with how many ran. */
export async function upgradeDatabase(path: string, opts: UpgradeOptions = {}): Promise<number> {
  const pending = pendingUpgrade(path);
  if (pending.length === 0) return 0;
  const stepOf = (version: number): UpgradeStep => {
    const at = pending.findIndex((m) => m.version === version);
    return { version, name: pending[at]?.name ?? `schema ${version}`, index: at + 1, total: pending.length };
  };
  if (opts.workerFile !== undefined) {
    const started = await inWorker(opts.workerFile, path, (v) => opts.onStep?.(stepOf(v)));
    if (started === true) return pending.length;
    opts.onNotice?.(`the upgrade runs on the main thread (${started})`);
  }
  openDatabase(path, { onUpgrade: (m) => opts.onStep?.(stepOf(m.version)) }).raw.close();
  return pending.length;
}

/** true once the worker upgraded the file; the reason as text if it never started; rejects if the upgrade failed. */
function inWorker(file: string, path: string, onStep: (version: number) => void): Promise<true | string> {
  return new Promise((resolve, reject) => {
    let ready = false;
    let settled = false;
    const worker = new Worker(file, { workerData: { path } });
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: UpgradeWorkerReply) => {
      if (m.type === 'ready') ready = true;
      else if (m.type === 'step') onStep(m.version);
      else if (m.type === 'done') settle(() => resolve(true));
      else settle(() => reject(m.kind === 'upgrade' ? new DatabaseUpgradeError(m.message) : m.kind === 'version' ? new DatabaseVersionError(m.message) : Object.assign(new Error(m.message), { code: m.code })));
    });
    const lost = (why: string): void =>
      // Before it was ready nothing was touched; after, a migration may have been under way (its transaction rolls back).
      settle(() => (ready ? reject(new DatabaseUpgradeError(`the database upgrade stopped: ${why}; the file keeps the last schema version it completed`)) : resolve(why)));
    worker.on('error', (e) => lost(`upgrade worker failed: ${e.message}`));
    worker.on('exit', (code) => lost(`upgrade worker exited (code ${code})`));
  });
}
