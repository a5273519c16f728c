// Files a ceremony hands out (backups, signed manifests): never over an existing file unless asked, never half-written.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { CeremonyError } from './errors.js';

function writeAll(fd: number, text: string): void {
  writeSync(fd, text);
  fsyncSync(fd);
}

/**
 * Write `text` to `path` with `mode`. Without `overwrite` an existing file is refused (`file_exists`); with it the
 * file is replaced through a temporary file and a rename, so a crash leaves the old file or the new one.
 */
export function writeOutputFile(path: string, text: string, mode: number, overwrite: boolean): void {
  if (!overwrite) {
    if (existsSync(path)) throw new CeremonyError('file_exists', `${path} already exists; choose another name or pass --force to replace it`);
    const fd = openSync(path, 'wx', mode);
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    chmodSync(path, mode);
    return;
  }
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
