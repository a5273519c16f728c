// Files a person names (on the command line or a screen), read with a bound: a device or a pipe (`/dev/zero`, `<(…)`)
// has no size to check first, and reading one whole would never end.
import { closeSync, openSync, readSync } from 'node:fs';

/** The file holds more than the bound allows. */
export class FileTooLargeError extends Error {
  constructor(readonly file: string, readonly maxBytes: number) {
    super(`${file} is larger than ${maxBytes} bytes`);
  }
}

/** The file's text (UTF-8), read up to `maxBytes`; more than that is a FileTooLargeError. */
export function readTextUpTo(file: string, maxBytes: number): string {
  const buffer = Buffer.alloc(maxBytes + 1);
  const fd = openSync(file, 'r');
  try {
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (n === 0) break;
      filled += n;
      if (filled > maxBytes) throw new FileTooLargeError(file, maxBytes);
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
