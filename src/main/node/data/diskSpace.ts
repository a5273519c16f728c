// Free space where the node writes: the database's disk (an early warning before writes fail with storage_full) and a
// backup's destination (checked before copying, so a backup never fills a disk half-way).
import { statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseDisk } from '../../../shared/data.js';
import { formatBytes } from '../../../shared/bytes.js';
import { CeremonyError } from '../ceremony/errors.js';

export type DiskSpace = Omit<DatabaseDisk, 'isLow'>;

/** Free space on the file system holding `dir` (for an unprivileged writer), or null when it cannot be read. */
export type DiskSpaceProbe = (dir: string) => DiskSpace | null;

export const statfsProbe: DiskSpaceProbe = (dir) => {
  try {
    const s = statfsSync(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null; // a folder gone or a file system that does not say: the write itself reports it
  }
};

const MB = 1024 * 1024;
/** Room left beyond a copy's own size: SQLite's journal while the mark is written, and the file system's metadata. */
export const BACKUP_HEADROOM_BYTES = 16 * MB;

const deviceOf = (dir: string): number | null => {
  try {
    return statSync(dir).dev;
  } catch {
    return null;
  }
};

/**
 * Refuse (`no_space`) before writing when the folders a copy goes through lack room for it: each entry is a folder
 * and the bytes written there; folders on one file system add up.
 */
export function requireRoomFor(writes: { dir: string; bytes: number }[], probe: DiskSpaceProbe = statfsProbe): void {
  const byDevice = new Map<number | string, { dir: string; bytes: number }>();
  for (const w of writes) {
    const key = deviceOf(w.dir) ?? w.dir;
    const seen = byDevice.get(key);
    byDevice.set(key, { dir: seen?.dir ?? w.dir, bytes: (seen?.bytes ?? 0) + w.bytes });
  }
  for (const { dir, bytes } of byDevice.values()) {
    const space = probe(dir);
    if (space === null) continue;
    const needed = bytes + BACKUP_HEADROOM_BYTES;
    if (space.freeBytes < needed) {
      throw new CeremonyError('no_space', `${dir} has ${formatBytes(space.freeBytes)} free and this backup needs about ${formatBytes(needed)} there; free space on that disk or choose another`);
    }
  }
}

/** The database's disk as the Data screen and the Overview show it; `isLow` below STIGMEM_DISK_WARN_FREE_MB. */
export function databaseDisk(config: { dbPath: string; diskWarnFreeMb: number }, probe: DiskSpaceProbe = statfsProbe): DatabaseDisk | null {
  if (config.dbPath === ':memory:') return null;
  const space = probe(dirname(config.dbPath));
  if (space === null) return null;
  return { ...space, isLow: config.diskWarnFreeMb > 0 && space.freeBytes < config.diskWarnFreeMb * MB };
}
