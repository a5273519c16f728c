// The backup check worker's entry: reads one backup file in full and reports what it holds (data/backupCheck.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { CeremonyError } from '../ceremony/errors.js';
import { readDataBackup } from './backupFile.js';
import type { CheckWorkerReply } from './backupCheck.js';

const { path } = workerData as { path: string };
const send = (m: CheckWorkerReply): void => parentPort?.postMessage(m);

send({ type: 'ready' });
try {
  send({ type: 'done', info: readDataBackup(path, { check: true }) });
} catch (e) {
  send({ type: 'failed', code: e instanceof CeremonyError ? e.code : null, message: e instanceof Error ? e.message : String(e) });
}
