// Temporary files a crash can leave behind: copies of the database made while a backup, restore or inspection ran. Some
// are plain copies of a database whose backups are sealed, and each is as large as the database, so a node removes
// them when it starts (it then holds the folder) and its backup schedule does the same in its folder.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A copy a backup may still be writing (by another process) is left alone until it has not changed for this long. */
export const STALE_AFTER_MS = 15 * 60_000;

const HEX = '[0-9a-f]{12}';
const SIDE = '(?:-journal|-wal|-shm)?';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Made only under the node lock (restores, the console's inspection, key files being replaced): none can be under way
 * when a node starts. A key file's temporary copy holds a key that never took over.
 */
function lockedStepPattern(dbName: string): RegExp {
  const db = escape(dbName);
  const stem = escape(dbName.replace(/\.db$/, '')); // key files are named as secrets/files.ts keyFileStem names them
  return new RegExp(`^(?:${db}\\.(?:restore|unsealed|identify)-${HEX}\\.tmp${SIDE}|\\.stigmem-inspect-${HEX}\\.tmp${SIDE}|${stem}\\.identity[A-Za-z0-9_.-]*\\.(?:pem|enc\\.json)\\.${HEX}\\.tmp)$`);
}

/** Made by backups, which may run from another process beside the node. */
const DATA_DIR_BACKUP = new RegExp(`^\\.stigmem-backup-${HEX}\\.tmp${SIDE}$`);
const BACKUP_DIR_BACKUP = new RegExp(`^stigmem-data-[0-9TZ-]+\\.sqlite\\.${HEX}\\.tmp${SIDE}$`);

function removeMatching(dir: string, isLeftover: (name: string, mtimeMs: number) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isFile() || !isLeftover(name, st.mtimeMs)) continue;
      rmSync(path, { force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove: left as it is
    }
  }
  return removed;
}

/** Remove what interrupted steps left beside the database; the paths removed. */
export function removeDataDirLeftovers(dbPath: string, nowMs: number): string[] {
  if (dbPath === ':memory:') return [];
  const locked = lockedStepPattern(basename(dbPath));
  return removeMatching(dirname(dbPath), (name, mtimeMs) => locked.test(name) || (DATA_DIR_BACKUP.test(name) && nowMs - mtimeMs > STALE_AFTER_MS));
}

/** Remove what interrupted automatic backups left in their folder; the paths removed. */
export function removeBackupDirLeftovers(dir: string, nowMs: number): string[] {
  return removeMatching(dir, (name, mtimeMs) => BACKUP_DIR_BACKUP.test(name) && nowMs - mtimeMs > STALE_AFTER_MS);
}
