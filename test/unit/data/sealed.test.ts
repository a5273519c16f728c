// Database backups sealed under a passphrase, against real nodes and files: nothing of the database readable without
// it, what it holds said by its header and checked once opened, every alteration refused, and the restore paths.
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type NodeConfig } from '../../../src/main/node/config/env.js';
import { SEALED_MAGIC } from '../../../src/main/node/data/sealed.js';
import { restoreData } from '../../../src/main/node/data/restore.js';
import { BackupSchedule } from '../../../src/main/node/data/schedule.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { createNode } from '../../../src/main/node/runtime.js';
import type { DataBackupDone, DataInspected } from '../../../src/shared/data.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { insertFact, operationsOn, valueOf } from '../console/helpers.js';

const ORG = 'stigmem://org-a.example';
const PASS = 'Nine copper Kettles 31';
let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_ENTITY_URI: ORG });
});
afterEach(async () => n.close());
const op = operationsOn(() => n.deps);

/** ~2.5 MB of facts: a sealed copy of several 1 MiB chunks. */
function seed(count = 2000): void {
  n.deps.db.transaction(() => {
    for (let i = 0; i < count; i++) insertFact(n.deps, { entity: `${ORG}/secret-project/${i}`, relation: 'memory:role', valueType: 'string', value: `confidential-${i}`.padEnd(1000, '.') });
  });
}

async function sealedBackup(name = 'sealed.sqlite'): Promise<DataBackupDone> {
  return valueOf(await op<DataBackupDone>('data:backup', { path: join(n.dir, name), passphrase: PASS }));
}

const leftovers = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('a sealed database backup', () => {
  it('holds nothing readable without the passphrase, and says what it holds', async () => {
    seed();
    const done = await sealedBackup();
    expect(done).toMatchObject({ sealed: true, facts: 2000, nodeId: n.deps.nodeId, keyId: n.deps.keys.org.keyId });
    const bytes = readFileSync(done.path);
    expect(bytes.subarray(0, SEALED_MAGIC.length).toString()).toBe(SEALED_MAGIC);
    for (const clear of ['SQLite format 3', 'secret-project', 'confidential-1', 'memory:role']) expect(bytes.includes(Buffer.from(clear)), clear).toBe(false);
    expect(statSync(done.path).mode & 0o777).toBe(0o600);
    expect(leftovers(n.dir)).toEqual([]);
    expect(readdirSync(n.dir).filter((f) => f.startsWith('.stigmem-'))).toEqual([]);

    expect(valueOf(await op<DataInspected>('data:inspect', { path: done.path }))).toMatchObject({ sealed: true, isOpened: false, facts: 2000, isRestorable: true });
    expect(valueOf(await op<DataInspected>('data:inspect', { path: done.path, passphrase: PASS }))).toMatchObject({ sealed: true, isOpened: true, facts: 2000, isRestorable: true });
    expect(await op('data:inspect', { path: done.path, passphrase: `${PASS}!` })).toMatchObject({ ok: false, error: { code: 'passphrase_wrong' } });
    expect(readdirSync(n.dir).filter((f) => f.startsWith('.stigmem-'))).toEqual([]);
  });

  it('refuses a weak passphrase before writing anything', async () => {
    expect(await op('data:backup', { path: join(n.dir, 'weak.sqlite'), passphrase: 'password1234' })).toMatchObject({ ok: false, error: { code: 'passphrase_too_weak' } });
    expect(readdirSync(n.dir).filter((f) => f.includes('weak'))).toEqual([]);
  });

  it('refuses every alteration once opened', async () => {
    seed();
    const done = await sealedBackup();
    const size = statSync(done.path).size;
    const cases: [string, (p: string) => void, string][] = [
      ['last chunk flipped', (p) => {
        const b = readFileSync(p);
        b[b.length - 20] = b[b.length - 20]! ^ 1;
        writeFileSync(p, b);
      }, 'backup_invalid'],
      ['cut at a chunk end', (p) => truncateSync(p, cutPoint(done.path)), 'backup_invalid'],
      ['cut mid-chunk', (p) => truncateSync(p, size - 100), 'backup_invalid'],
      ['extended', (p) => appendFileSync(p, Buffer.alloc(40, 1)), 'backup_invalid'],
      ['header edited', (p) => writeFileSync(p, Buffer.from(readFileSync(p).toString('latin1').replace('"facts":2000', '"facts":2001'), 'latin1')), 'passphrase_wrong'],
    ];
    for (const [name, spoil, code] of cases) {
      const copy = join(n.dir, `${name.replace(/ /g, '-')}.sqlite`);
      copyFileSync(done.path, copy);
      spoil(copy);
      expect(await op('data:inspect', { path: copy, passphrase: PASS }), name).toMatchObject({ ok: false, error: { code } });
    }
    expect(readdirSync(n.dir).filter((f) => f.startsWith('.stigmem-'))).toEqual([]);
  });

  it('is checked on the console before a restore: a passphrase is needed, and must open it', async () => {
    const done = await sealedBackup();
    expect(await op('data:restore', { path: done.path, confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'passphrase_missing' } });
    expect(await op('data:restore', { path: done.path, confirmEntity: ORG, passphrase: `${PASS}?` })).toMatchObject({ ok: false, error: { code: 'passphrase_wrong' } });
    expect(await op('data:restore', { path: done.path, confirmEntity: ORG, passphrase: PASS })).toMatchObject({ ok: false, error: { code: 'node_must_stop' } });
  });
});

/** Where the last chunk starts: a sealed file cut there ends cleanly on a chunk boundary. */
function cutPoint(path: string): number {
  const b = readFileSync(path);
  let pos = b.indexOf(0x0a, SEALED_MAGIC.length) + 1;
  let last = pos;
  while (pos < b.length) {
    last = pos;
    pos += 4 + 12 + b.readUInt32BE(pos) + 16;
  }
  return last;
}

describe('restoring a sealed backup on a stopped node', () => {
  it('needs the passphrase, leaves the database alone when it is wrong, and restores with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-sealed-restore-'));
    try {
      const config: NodeConfig = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: ORG }).config;
      const first = await createNode(config);
      insertFact(first.deps, { entity: `${ORG}/e/kept`, relation: 'memory:role', valueType: 'string', value: 'v' });
      const done = valueOf(await operationsOn(() => first.deps)<DataBackupDone>('data:backup', { path: join(dir, 'b.sqlite'), passphrase: PASS }));
      insertFact(first.deps, { entity: `${ORG}/e/later`, relation: 'memory:role', valueType: 'string', value: 'v' });
      await first.app.close();
      first.deps.db.raw.close();

      const before = readFileSync(config.dbPath);
      expect(await restoreData({ config }, done.path)).toMatchObject({ ok: false, error: { code: 'passphrase_missing' } });
      expect(await restoreData({ config }, done.path, `${PASS}.`)).toMatchObject({ ok: false, error: { code: 'passphrase_wrong' } });
      expect(readFileSync(config.dbPath).equals(before)).toBe(true);
      expect(await restoreData({ config }, done.path, PASS)).toMatchObject({ ok: true, value: { restored: { sealed: true, facts: 1 } } });
      expect(leftovers(dir)).toEqual([]);
      const again = await createNode(config);
      expect(again.deps.db.all<{ entity: string }>(sql`SELECT entity FROM facts`)).toEqual([{ entity: `${ORG}/e/kept` }]);
      await again.app.close();
      again.deps.db.raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sealed automatic backups', () => {
  it('are sealed under STIGMEM_BACKUP_PASSPHRASE, which must be strong', async () => {
    expect(() => loadConfig({ STIGMEM_BACKUP_PASSPHRASE: 'short' })).toThrow(ConfigError);
    expect(loadConfig({ STIGMEM_BACKUP_PASSPHRASE: PASS }).config.backupPassphrase).toBe(PASS);
    const sealedNode = await makeTestNode({ STIGMEM_BACKUP_PASSPHRASE: PASS });
    try {
      const dir = join(sealedNode.dir, 'auto');
      const schedule = new BackupSchedule(sealedNode.deps, { dir, intervalMinutes: 60, keep: 3 });
      expect(schedule.state.sealed).toBe(true);
      const done = valueOf(await schedule.runOnce());
      expect(done.sealed).toBe(true);
      expect(readFileSync(done.path).subarray(0, SEALED_MAGIC.length).toString()).toBe(SEALED_MAGIC);
    } finally {
      await sealedNode.close();
    }
  });
});
