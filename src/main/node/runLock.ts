// A running node says so beside its database (`<db>.running`, holding its pid), so commands that change the node's key
// underneath it (rotate-key, restore) can refuse instead of leaving a live node signing with a key it no longer has.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export const runLockPath = (dbPath: string): string => `${dbPath}.running`;

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Record this process as the node running on `dbPath`; the returned function removes the record if it is still ours. */
export function holdRunLock(dbPath: string): () => void {
  if (dbPath === ':memory:') return () => undefined;
  const path = runLockPath(dbPath);
  const mine = JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() });
  try {
    writeFileSync(path, mine, { mode: 0o600 });
  } catch {
    return () => undefined; // a read-only folder: the node still runs, only the guard is missing
  }
  return () => {
    try {
      if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}

/** The pid of another live process recorded as running a node on `dbPath`, or null (none, stale, or this process). */
export function runningNodePid(dbPath: string): number | null {
  if (dbPath === ':memory:') return null;
  let pid: unknown;
  try {
    pid = (JSON.parse(readFileSync(runLockPath(dbPath), 'utf8')) as { pid?: unknown }).pid;
  } catch {
    return null;
  }
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return null;
  return isAlive(pid) ? pid : null;
}
