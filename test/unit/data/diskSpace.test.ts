// Free space before a backup is written, and a full disk named as such: a backup that cannot fit is refused before a
// byte is written, and one that fills the disk midway says `no_space` instead of a bare failure.
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failureOf } from '../../../src/main/node/ceremony/errors.js';
import { writeDataBackup } from '../../../src/main/node/data/backupFile.js';
import { BACKUP_HEADROOM_BYTES, databaseDisk, requireRoomFor, statfsProbe, type DiskSpaceProbe } from '../../../src/main/node/data/diskSpace.js';
import { formatBytes } from '../../../src/shared/bytes.js';

const folders: string[] = [];
afterAll(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));
const folder = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'stigmem-disk-'));
  folders.push(d);
  return d;
};
/** A disk with `free` bytes left, for the one module under test. */
const diskWith = (free: number): DiskSpaceProbe => () => ({ freeBytes: free, totalBytes: 10 * free + 1 });
const MB = 1024 * 1024;

describe('room for a backup', () => {
  it('is refused with no_space, naming the folder, what is free and what is needed', () => {
    const dir = folder();
    expect(() => requireRoomFor([{ dir, bytes: 100 * MB }], diskWith(50 * MB))).toThrow(
      expect.objectContaining({ code: 'no_space', message: `${dir} has 50 MB free and this backup needs about 116 MB there; free space on that disk or choose another` }),
    );
    expect(() => requireRoomFor([{ dir, bytes: 100 * MB }], diskWith(100 * MB + BACKUP_HEADROOM_BYTES))).not.toThrow();
  });

  it('adds up what goes to folders on the same disk (a sealed copy is written twice), and checks each disk once', () => {
    const [a, b] = [folder(), folder()];
    const asked: string[] = [];
    const probe: DiskSpaceProbe = (dir) => (asked.push(dir), { freeBytes: 150 * MB, totalBytes: 1000 * MB });
    expect(() => requireRoomFor([{ dir: a, bytes: 80 * MB }, { dir: b, bytes: 80 * MB }], probe)).toThrow(expect.objectContaining({ code: 'no_space' }));
    expect(asked).toEqual([a]);
  });

  it('leaves the write to report a folder that does not exist', () => {
    expect(() => requireRoomFor([{ dir: join(folder(), 'absent'), bytes: 10 * MB }], statfsProbe)).not.toThrow();
    expect(statfsProbe(join(folder(), 'absent'))).toBeNull();
  });

  it('reads the real file system', () => {
    const dir = folder();
    const s = statfsSync(dir);
    const space = statfsProbe(dir)!;
    expect(space.totalBytes).toBe(s.blocks * s.bsize);
    expect(space.freeBytes).toBeGreaterThan(0);
    expect(space.freeBytes).toBeLessThanOrEqual(space.totalBytes);
  });

  it('stops a database backup before it writes anything, plain or sealed', async () => {
    const dir = folder();
    const db = new Database(join(dir, 'node.db'));
    db.exec("CREATE TABLE node_meta (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE facts (x); CREATE TABLE peers (x); INSERT INTO facts VALUES (randomblob(500000))");
    const size = (db.pragma('page_count', { simple: true }) as number) * 4096;
    const mark = { takenAt: '2026-11-24T00:00:00+00:00', nodeId: 'stigmem:node:00', entityUri: 'stigmem://org-a.example', keyId: 'ab'.repeat(32) };
    const before = readdirSync(dir).sort();
    const tight = diskWith(size + BACKUP_HEADROOM_BYTES - 1);
    await expect(writeDataBackup(db, { path: join(dir, 'plain.sqlite'), overwrite: false, mark, diskSpace: tight })).rejects.toMatchObject({ code: 'no_space' });
    // Sealing writes the plain copy and the sealed one: room for one is not enough.
    const forOne = diskWith(size + BACKUP_HEADROOM_BYTES);
    await expect(writeDataBackup(db, { path: join(dir, 'sealed.sqlite'), overwrite: false, mark, passphrase: 'Twelve brass Bells 60', workDir: dir, diskSpace: forOne })).rejects.toMatchObject({ code: 'no_space' });
    expect(readdirSync(dir).sort()).toEqual(before);
    // With room, the same backup is written.
    await expect(writeDataBackup(db, { path: join(dir, 'plain.sqlite'), overwrite: false, mark, diskSpace: forOne })).resolves.toMatchObject({ facts: 1 });
    db.close();
  });
});

describe('a full disk met while writing', () => {
  it('is no_space, from the file system or from SQLite', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    for (const e of [enospc, full]) expect(failureOf(e)).toMatchObject({ ok: false, error: { code: 'no_space', message: expect.stringContaining('the disk filled up while writing') } });
    expect(failureOf(Object.assign(new Error('EACCES'), { code: 'EACCES' }))).toMatchObject({ error: { code: 'file_unreadable' } });
  });
});

describe('the database\'s disk', () => {
  it('is low below the warning level, never with the warning off, and unknown for a node in memory', () => {
    const dir = folder();
    const dbPath = join(dir, 'node.db');
    expect(databaseDisk({ dbPath, diskWarnFreeMb: 100 }, diskWith(99 * MB))).toMatchObject({ freeBytes: 99 * MB, isLow: true });
    expect(databaseDisk({ dbPath, diskWarnFreeMb: 100 }, diskWith(100 * MB))).toMatchObject({ isLow: false });
    expect(databaseDisk({ dbPath, diskWarnFreeMb: 0 }, diskWith(0))).toMatchObject({ isLow: false });
    expect(databaseDisk({ dbPath: ':memory:', diskWarnFreeMb: 100 })).toBeNull();
    expect(databaseDisk({ dbPath: join(dir, 'absent', 'node.db'), diskWarnFreeMb: 100 })).toBeNull();
  });

  it('is sized in the units the screens use', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(50 * MB), formatBytes(116 * MB), formatBytes(3.5 * 1024 * MB)]).toEqual(['512 bytes', '1.5 KB', '50 MB', '116 MB', '3.5 GB']);
  });
});
