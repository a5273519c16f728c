// The desktop node's log, kept in a file (a desktop app has no terminal to read it from): JSON lines as pino writes
// them, rotated by size so it never fills the disk, owner-only like the rest of the data folder.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const LOG_MAX_BYTES = 10 * 1024 * 1024;
export const LOG_FILES_KEPT = 5;

export class RotatingLogFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes = LOG_MAX_BYTES,
    /** Rotated files kept beside the current one: `<path>.1` (newest) to `<path>.<kept>`. */
    private readonly kept = LOG_FILES_KEPT,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Append one chunk (a line); the file is rotated first when the chunk would take it past its size. */
  write(chunk: string): boolean {
    const bytes = Buffer.from(chunk, 'utf8');
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
    this.size += bytes.length;
    return true;
  }

  /** A line of our own beside the HTTP log, in the same shape (pino's levels: 30 info, 40 warn, 50 error). */
  line(level: 'info' | 'warn' | 'error', msg: string): void {
    this.write(`${JSON.stringify({ level: { info: 30, warn: 40, error: 50 }[level], time: Date.now(), msg })}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.path}.${this.kept}`, { force: true });
    for (let i = this.kept - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }
}
