// Files named on the command line are read up to a bound, whatever they are: a regular file, a device, a folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTooLargeError, readTextUpTo } from '../../../src/main/node/boundedRead.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stigmem-cli-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a file named on the command line', () => {
  it('returns a file of up to the bound whole, as UTF-8', () => {
    const path = join(dir, 'passphrase.txt');
    writeFileSync(path, 'corré horse\n');
    expect(readTextUpTo(path, 13)).toBe('corré horse\n');
    writeFileSync(path, '');
    expect(readTextUpTo(path, 13)).toBe('');
  });

  it('refuses a file one byte over the bound', () => {
    const path = join(dir, 'big.txt');
    writeFileSync(path, 'x'.repeat(14));
    expect(() => readTextUpTo(path, 13)).toThrow(FileTooLargeError);
  });

  it('stops reading a device that never ends at the bound', () => {
    expect(() => readTextUpTo('/dev/zero', 4096)).toThrow(`/dev/zero is larger than 4096 bytes`);
  });

  it('passes on the system\'s own refusal for a missing file or a folder', () => {
    expect(() => readTextUpTo(join(dir, 'missing'), 10)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => readTextUpTo(dir, 10)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});
