// Checking a backup reads every page of it (quick_check): in a worker when the build put one beside its bundle, so a
// large copy being read never stalls the running node's API and its peers' pulls. Both read it with readDataBackup.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DataBackupInfo } from '../../../shared/data.js';
import { CeremonyError, type CeremonyErrorCode } from '../ceremony/errors.js';
import { readDataBackup } from './backupFile.js';

export interface BackupChecker {
  /** What the backup at `path` holds once all of it was read; a CeremonyError (`backup_invalid`, ...) if it is not one. */
  check(path: string): Promise<DataBackupInfo>;
}

export type CheckWorkerReply =
  | { type: 'ready' }
  | { type: 'done'; info: DataBackupInfo }
  | { type: 'failed'; code: CeremonyErrorCode | null; message: string };

/** The check worker a build put beside its entry bundle (out/cli, out/main); run from sources there is none. */
export function builtBackupCheckWorker(bundleDir: string): string | undefined {
  const file = join(bundleDir, 'backupCheckWorker.js');
  return existsSync(file) ? file : undefined;
}

export const inlineBackupChecker: BackupChecker = { check: async (path) => readDataBackup(path, { check: true }) };

/** A checker that starts a worker per check (checks are rare); if one cannot start, that check runs here, said once. */
export function backupCheckerFor(workerFile: string | undefined, onNotice: (message: string) => void = () => undefined): BackupChecker {
  if (workerFile === undefined) return inlineBackupChecker;
  let isNoticed = false;
  return {
    async check(path) {
      const outcome = await inWorker(workerFile, path);
      if (outcome.kind === 'checked') return outcome.info;
      if (!isNoticed) onNotice(`backup checks run on the node's thread (${outcome.why})`);
      isNoticed = true;
      return inlineBackupChecker.check(path);
    },
  };
}

type Outcome = { kind: 'checked'; info: DataBackupInfo } | { kind: 'not_started'; why: string };

function inWorker(file: string, path: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let ready = false;
    let settled = false;
    let worker: Worker;
    try {
      worker = new Worker(file, { workerData: { path } });
    } catch (e) {
      resolve({ kind: 'not_started', why: e instanceof Error ? e.message : String(e) });
      return;
    }
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: CheckWorkerReply) => {
      if (m.type === 'ready') ready = true;
      else if (m.type === 'done') settle(() => resolve({ kind: 'checked', info: m.info }));
      else settle(() => reject(m.code === null ? new Error(m.message) : new CeremonyError(m.code, m.message)));
    });
    // Before it was ready nothing was read, so the check can run elsewhere; after, the file may be what stopped it.
    const lost = (why: string): void => settle(() => (ready ? reject(new CeremonyError('backup_invalid', `${path} could not be checked: ${why}`)) : resolve({ kind: 'not_started', why })));
    worker.on('error', (e) => lost(`the check worker failed: ${e.message}`));
    worker.on('exit', (code) => lost(`the check worker exited (code ${code})`));
  });
}
