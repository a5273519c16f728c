// A database backup told to stop (Ctrl-C on the command line): during the copy or the sealing it removes every partial
// file, here and beside the database, and leaves an earlier backup at the same name as it was.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/main/node/ceremony/errors.js';
import { writeDataBackup } from '../../../src/main/node/data/backupFile.js';

const root = mkdtempSync(join(tmpdir(), 'stigmem-interrupt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mark = { takenAt: '2026-11-24T00:00:00+00:00', nodeId: 'stigmem:node:00', entityUri: 'stigmem://org-a.example', keyId: 'ab'.repeat(32) };
const interrupted = (): CeremonyError => new CeremonyError('interrupted', 'interrupted');

/** A database of a few MiB beside its own folder, and an empty folder for the backups. */
function setUp(name: string): { db: Database.Database; dataDir: string; outDir: string } {
  const dataDir = join(root, name, 'data');
  const outDir = join(root, name, 'out');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(outDir);
  const db = new Database(join(dataDir, 'node.db'));
  db.exec('CREATE TABLE node_meta (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE facts (x); CREATE TABLE peers (x)');
  const insert = db.prepare('INSERT INTO facts VALUES (randomblob(100000))');
  for (let i = 0; i < 40; i++) insert.run();
  return { db, dataDir, outDir };
}

describe('a database backup told to stop', () => {
  it('during the copy: nothing is placed, no partial copy stays, an earlier backup is kept', async () => {
    const { db, dataDir, outDir } = setUp('copy');
    const path = join(outDir, 'node-data.sqlite');
    await writeDataBackup(db, { path, overwrite: false, mark });
    const earlier = readFileSync(path);
    const stop = new AbortController();
    const fractions: number[] = [];
    const run = writeDataBackup(db, {
      path, overwrite: true, mark, pagesPerStep: 16, signal: stop.signal,
      onProgress: (f) => (fractions.push(f), f > 0 && stop.abort(interrupted())),
    });
    await expect(run).rejects.toMatchObject({ code: 'interrupted' });
    expect(fractions.at(-1)).toBeLessThan(1);
    expect(readdirSync(outDir)).toEqual(['node-data.sqlite']);
    expect(readFileSync(path).equals(earlier)).toBe(true);
    expect(readdirSync(dataDir)).toEqual(['node.db']);
    db.close();
  });

  it('while sealing: neither the sealed file nor the plain copy beside the database stays', async () => {
    const { db, dataDir, outDir } = setUp('seal');
    // Stops once the sealed file is begun: the plain copy is then complete beside the database.
    let sealing = false;
    const signal = { throwIfAborted: () => {
      sealing ||= readdirSync(outDir).length > 0;
      if (sealing) throw interrupted();
    } } as unknown as AbortSignal;
    const run = writeDataBackup(db, { path: join(outDir, 'sealed.sqlite'), overwrite: false, mark, passphrase: 'Twelve brass Bells 60', workDir: dataDir, signal });
    await expect(run).rejects.toMatchObject({ code: 'interrupted' });
    expect(sealing).toBe(true);
    expect(readdirSync(outDir)).toEqual([]);
    expect(readdirSync(dataDir)).toEqual(['node.db']);
    db.close();
  });
});
