// Files a ceremony hands out: written whole or not at all, never over an existing file unless asked, and placed on
// file systems without hard links (FAT and exFAT USB sticks) too.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyError, failureOf } from '../../../src/main/node/ceremony/errors.js';
import { placeWithoutReplacing, writeOutputFile } from '../../../src/main/node/ceremony/files.js';

const folder = () => mkdtempSync(join(tmpdir(), 'stigmem-out-'));
const noHardLinks = (): never => {
  throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
};

describe('writeOutputFile', () => {
  it('writes a new file with its mode, refuses an existing one, replaces it only when asked, and leaves no temporary file', () => {
    const dir = folder();
    const path = join(dir, 'manifest.json');
    writeOutputFile(path, 'first', 0o600, false);
    expect([readFileSync(path, 'utf8'), statSync(path).mode & 0o777]).toEqual(['first', 0o600]);
    expect(() => writeOutputFile(path, 'second', 0o600, false)).toThrow(CeremonyError);
    expect(readFileSync(path, 'utf8')).toBe('first');
    writeOutputFile(path, 'second', 0o644, true);
    expect([readFileSync(path, 'utf8'), statSync(path).mode & 0o777]).toEqual(['second', 0o644]);
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });
});

describe('a path the operator gave that cannot be a file', () => {
  it('a folder is said to be a folder, a name too long or a missing folder names the path given, not a temporary one', () => {
    const dir = folder();
    expect(() => writeOutputFile(dir, 'x', 0o600, false)).toThrow(`${dir} is a folder: give the name of a file in it`);
    const tooLong = failureOf(captured(() => writeOutputFile(join(dir, 'n'.repeat(300)), 'x', 0o600, false)));
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    const missing = failureOf(captured(() => writeOutputFile(join(dir, 'no-such-folder', 'out.json'), 'x', 0o600, false)));
    expect(missing).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    expect(JSON.stringify(missing)).toContain(join(dir, 'no-such-folder', 'out.json'));
    expect(JSON.stringify(missing)).not.toMatch(/\.[0-9a-f]{12}\.tmp/);
  });
});

function captured(work: () => void): unknown {
  try {
    work();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('placeWithoutReplacing', () => {
  it('without hard links, still places a new file and still refuses an existing one', () => {
    const dir = folder();
    const tmp = join(dir, 'copy.tmp');
    writeFileSync(tmp, 'copy');
    placeWithoutReplacing(tmp, join(dir, 'backup.sqlite'), noHardLinks);
    expect(readFileSync(join(dir, 'backup.sqlite'), 'utf8')).toBe('copy');
    expect(existsSync(tmp)).toBe(false);
    writeFileSync(tmp, 'another');
    expect(() => placeWithoutReplacing(tmp, join(dir, 'backup.sqlite'), noHardLinks)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(readFileSync(join(dir, 'backup.sqlite'), 'utf8')).toBe('copy');
  });

  it('passes on other failures of the link as they are', () => {
    const dir = folder();
    writeFileSync(join(dir, 'copy.tmp'), 'copy');
    expect(() => placeWithoutReplacing(join(dir, 'copy.tmp'), join(dir, 'missing', 'backup.sqlite'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
