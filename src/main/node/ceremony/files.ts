// Files a ceremony hands out (backups, signed manifests): never over an existing file unless asked, never half-written.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CeremonyError } from './errors.js';

function writeAll(fd: number, text: string): void {
  writeSync(fd, text);
  fsyncSync(fd);
}

/**
 * Write `text` to `path` with `mode`, always through a temporary file, so a crash or a full disk leaves no half-written
 * file. Without `overwrite` an existing file is refused (`file_exists`, also when one appears meanwhile: the copy is
 * linked into place, never renamed over); with it the file is replaced by a rename, leaving the old file or the new one.
 */
export function writeOutputFile(path: string, text: string, mode: number, overwrite: boolean): void {
  refuseFolder(path);
  if (!overwrite && existsSync(path)) throw exists(path);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    if (overwrite) renameSync(tmp, path);
    else placeWithoutReplacing(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && !overwrite) throw exists(path);
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

const exists = (path: string): CeremonyError => new CeremonyError('file_exists', `${path} already exists; choose another name or pass --force to replace it`);

/**
 * Put the finished `tmp` at `path` unless a file is there (EEXIST): a hard link fails rather than replace. Where the
 * file system has no hard links (FAT and exFAT USB sticks), the check and a rename stand in for it.
 */
export function placeWithoutReplacing(tmp: string, path: string, link: (from: string, to: string) => void = linkSync): void {
  try {
    link(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    if (existsSync(path)) throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
    renameSync(tmp, path);
  }
}

/** A folder given where a file name belongs is said as such, not as a file already there. */
export function refuseFolder(path: string): void {
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    return;
  }
  if (isFolder) throw new CeremonyError('invalid_argument', `${path} is a folder: give the name of a file in it, e.g. ${join(path, 'stigmem-backup')}`);
}
