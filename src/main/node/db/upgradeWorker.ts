// The upgrade worker's entry: runs the pending migrations of one file and reports each as it starts (db/upgrade.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseUpgradeError, DatabaseVersionError, openDatabase } from './connection.js';
import type { UpgradeWorkerReply } from './upgrade.js';

const port = parentPort;
const { path } = workerData as { path: string };
const send = (m: UpgradeWorkerReply): void => port?.postMessage(m);

send({ type: 'ready' });
try {
  openDatabase(path, { onUpgrade: (m) => send({ type: 'step', version: m.version }) }).raw.close();
  send({ type: 'done' });
} catch (e) {
  const kind = e instanceof DatabaseUpgradeError ? 'upgrade' : e instanceof DatabaseVersionError ? 'version' : 'other';
  const code = (e as { code?: unknown } | null)?.code;
  send({ type: 'failed', kind, message: e instanceof Error ? e.message : String(e), ...(typeof code === 'string' ? { code } : {}) });
}
