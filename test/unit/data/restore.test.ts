// Putting a database backup back on a stopped node (the service `stigmem data restore` and the desktop share): the node
// comes back with the backup's data under its own key custody, the replaced database is kept, and every refusal leaves
// the database as it was.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type NodeConfig } from '../../../src/main/node/config/env.js';
import { backupFolderDatabase } from '../../../src/main/node/data/folder.js';
import { restoreData } from '../../../src/main/node/data/restore.js';
import { restoreIdentity } from '../../../src/main/node/ceremony/restore.js';
import { runAdminOperation } from '../../../src/main/node/console/handlers.js';
import { CEREMONY_RECORD_META_KEY, DATA_BACKUP_META_KEY } from '../../../src/main/node/data/backupFile.js';
import { ceremonyRecordPath } from '../../../src/main/node/ceremony/folder.js';
import { verifyCeremonyRecord } from '../../../src/main/node/ceremony/record.js';
import { keyBackupStatus } from '../../../src/main/node/console/identityHandlers.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { setMeta } from '../../../src/main/node/meta.js';
import { acquireRunLock } from '../../../src/main/node/runLock.js';
import { createNode } from '../../../src/main/node/runtime.js';
import { databaseOpenProblem } from '../../../src/main/node/db/openFailure.js';
import { insertFact } from '../console/helpers.js';
import { remark } from './helpers.js';

let dir: string;
let config: NodeConfig;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stigmem-restore-'));
  config = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' }).config;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run a node on the folder for `work`, then stop it (the folder stays). */
async function withNode<T>(work: (deps: Awaited<ReturnType<typeof createNode>>['deps']) => T | Promise<T>, cfg: NodeConfig = config): Promise<T> {
  const { app, deps } = await createNode(cfg);
  try {
    return await work(deps);
  } finally {
    await app.close();
    deps.db.raw.close();
  }
}

const entities = (deps: Awaited<ReturnType<typeof createNode>>['deps']): string[] => deps.db.raw.prepare('SELECT entity FROM facts ORDER BY entity').pluck().all() as string[];
const fact = (entity: string) => ({ entity, relation: 'memory:role', valueType: 'string', value: 'v' });

async function nodeWithBackup(): Promise<string> {
  await withNode((deps) => {
    insertFact(deps, fact('stigmem://org-a.example/e/before'));
  });
  const path = join(dir, 'backup.sqlite');
  const r = await backupFolderDatabase({ config }, path, false);
  if (!r.ok) throw new Error(r.error.message);
  await withNode((deps) => {
    insertFact(deps, fact('stigmem://org-a.example/e/after'));
  });
  return path;
}

describe('restoring a database backup', () => {
  it('brings the node back with the backup\'s facts, keeps the replaced database, and audits the restore', async () => {
    const path = await nodeWithBackup();
    // This machine's own record of where its key is kept must survive the restore.
    await withNode((deps) => setMeta(deps.db, 'key_store_fallback', 'kept here'));
    const r = await restoreData({ config }, path);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.restored).toMatchObject({ path, facts: 1 });
    expect(r.value.previousSavedAs).toMatch(/node\.db\.before-restore-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
    const previous = new Database(r.value.previousSavedAs, { readonly: true });
    expect(previous.prepare('SELECT COUNT(*) FROM facts').pluck().get()).toBe(2);
    previous.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await withNode((deps) => {
      expect(entities(deps)).toEqual(['stigmem://org-a.example/e/before']);
      expect(deps.db.get(sql`SELECT value FROM node_meta WHERE key = ${DATA_BACKUP_META_KEY}`)).toBeUndefined();
      expect(deps.db.get<{ value: string }>(sql`SELECT value FROM node_meta WHERE key = 'key_store_fallback'`)?.value).toBe('kept here');
      const audit = deps.db.get<{ actor: string; detail: string }>(sql`SELECT actor, detail FROM audit_events WHERE event_type = 'database_restored'`)!;
      expect(audit.actor).toBe('stigmem://org-a.example');
      expect(JSON.parse(audit.detail)).toMatchObject({ from: path, previous_saved_as: r.value.previousSavedAs });
      // The restored node writes on as before.
      insertFact(deps, fact('stigmem://org-a.example/e/next'));
    });
    expect(statSync(config.dbPath).mode & 0o777).toBe(0o600);
  });

  it('refuses while a node runs on the folder, and leaves the database alone', async () => {
    const path = await nodeWithBackup();
    const node = acquireRunLock(config.dbPath);
    const before = readFileSync(config.dbPath);
    try {
      expect(await restoreData({ config }, path)).toMatchObject({ ok: false, error: { code: 'node_running' } });
    } finally {
      node.release();
    }
    expect(readFileSync(config.dbPath).equals(before)).toBe(true);
  });

  it('refuses while another program has the database open (a CLI backup beside it), and leaves the database alone', async () => {
    const path = await nodeWithBackup();
    // Another process reading the database in WAL mode, as `stigmem data backup` does; it has written nothing.
    const other = new Database(config.dbPath);
    other.prepare('SELECT COUNT(*) FROM facts').pluck().get();
    const before = readFileSync(config.dbPath);
    try {
      const r = await restoreData({ config }, path);
      expect(r).toMatchObject({ ok: false, error: { code: 'node_running' } });
      expect(r.ok ? '' : r.error.message).toContain('another program has');
    } finally {
      other.close();
    }
    expect(readFileSync(config.dbPath).equals(before)).toBe(true);
    // Once it is done, the restore goes ahead.
    expect((await restoreData({ config }, path)).ok).toBe(true);
  });

  it('folds a log a crashed node left into the database it keeps, so the kept copy is whole', async () => {
    const path = await nodeWithBackup();
    // A node killed before its log was folded in: its last write lives only in the -wal file.
    const crashed = new Database(config.dbPath);
    crashed.pragma('wal_autocheckpoint = 0');
    crashed.exec("INSERT INTO node_meta (key, value) VALUES ('last_write', 'in the log')");
    const walBytes = readFileSync(`${config.dbPath}-wal`);
    const mainBytes = readFileSync(config.dbPath);
    crashed.close(); // folds the log in; the crash is rebuilt below from the bytes taken before
    writeFileSync(config.dbPath, mainBytes);
    writeFileSync(`${config.dbPath}-wal`, walBytes);
    const r = await restoreData({ config }, path);
    if (!r.ok) throw new Error(r.error.message);
    expect(existsSync(`${r.value.previousSavedAs}-wal`)).toBe(false);
    const previous = new Database(r.value.previousSavedAs, { readonly: true });
    expect(previous.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(previous.prepare("SELECT value FROM node_meta WHERE key = 'last_write'").pluck().get()).toBe('in the log');
    previous.close();
  });

  it('refuses a backup of another node, one from before a key rotation, and a damaged one', async () => {
    const path = await nodeWithBackup();
    const cases: [string, (p: string) => void, string][] = [
      ['other', (p) => remark(p, { node_id: 'stigmem:node:00000000000000000000000000000000' }), 'node_id_mismatch'],
      ['rotated', (p) => remark(p, { key_id: 'ab'.repeat(32) }), 'backup_key_mismatch'],
      ['cut', (p) => truncateSync(p, Math.floor(statSync(p).size / 2)), 'backup_invalid'],
      ['unmarked', (p) => remark(p, { format: 'something-else' }), 'backup_invalid'],
    ];
    for (const [name, spoil, code] of cases) {
      const copy = join(dir, `${name}.sqlite`);
      copyFileSync(path, copy);
      spoil(copy);
      expect(await restoreData({ config }, copy), name).toMatchObject({ ok: false, error: { code } });
    }
    expect(await restoreData({ config }, join(dir, 'absent.sqlite'))).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    await withNode((deps) => expect(entities(deps)).toEqual(['stigmem://org-a.example/e/after', 'stigmem://org-a.example/e/before']));
    expect(readdirSync(dir).filter((f) => f.includes('before-restore') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a folder with no identity yet: the key comes back first', async () => {
    const path = await nodeWithBackup();
    const empty = loadConfig({ STIGMEM_DB_PATH: join(dir, 'fresh', 'node.db'), STIGMEM_KEY_STORE: 'file' }).config;
    expect(await restoreData({ config: empty }, path)).toMatchObject({ ok: false, error: { code: 'no_identity' } });
    expect(existsSync(join(dir, 'fresh', 'node.db'))).toBe(false);
  });

  it('brings an organisation back on a new machine: the key from its backup first, then the data', async () => {
    const path = await nodeWithBackup();
    const keyBackup = join(dir, 'org-key.backup');
    const original = await withNode(async (deps) => {
      expect((await runAdminOperation(deps, 'identity:backup', { path: keyBackup, passphrase: 'Twelve brass Bells 60' })).ok).toBe(true);
      return { nodeId: deps.nodeId, keyId: deps.keys.org.keyId };
    });
    const fresh = loadConfig({ STIGMEM_DB_PATH: join(dir, 'new-machine', 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' }).config;
    expect(await restoreIdentity({ config: fresh, backupPath: keyBackup, passphrase: 'Twelve brass Bells 60' })).toMatchObject({ ok: true });
    expect(await restoreData({ config: fresh }, path)).toMatchObject({ ok: true, value: { restored: { facts: 1 } } });
    await withNode((deps) => {
      expect({ nodeId: deps.nodeId, keyId: deps.keys.org.keyId }).toEqual(original);
      expect(entities(deps)).toEqual(['stigmem://org-a.example/e/before']);
    }, fresh);
  });

  it('carries the ceremony record: a machine rebuilt from its two backups knows its key was backed up', async () => {
    const keyBackup = join(dir, 'org-key.backup');
    await withNode(async (deps) => {
      expect((await runAdminOperation(deps, 'identity:backup', { path: keyBackup, passphrase: 'Twelve brass Bells 60' })).ok).toBe(true);
    });
    const path = join(dir, 'backup.sqlite');
    expect((await backupFolderDatabase({ config }, path, false)).ok).toBe(true);
    const original = verifyCeremonyRecord(readFileSync(ceremonyRecordPath(config), 'utf8'));

    const fresh = loadConfig({ STIGMEM_DB_PATH: join(dir, 'new-machine', 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' }).config;
    expect(await restoreIdentity({ config: fresh, backupPath: keyBackup, passphrase: 'Twelve brass Bells 60' })).toMatchObject({ ok: true });
    const r = await restoreData({ config: fresh }, path);
    expect(r).toMatchObject({ ok: true, value: { ceremonyRecord: { outcome: 'merged' } } });
    const joined = verifyCeremonyRecord(readFileSync(ceremonyRecordPath(fresh), 'utf8'));
    expect(joined.problems).toEqual([]);
    // The backup's steps, then the key's restore on this machine.
    expect(joined.steps.map((st) => st.step)).toEqual([...original.steps.map((st) => st.step), 'restore']);
    await withNode((deps) => {
      expect(keyBackupStatus(deps).lastAt).toBe(original.steps.find((st) => st.step === 'backup')!.at);
      expect(deps.db.get(sql`SELECT value FROM node_meta WHERE key = ${CEREMONY_RECORD_META_KEY}`)).toBeUndefined();
      const audit = deps.db.get<{ detail: string }>(sql`SELECT detail FROM audit_events WHERE event_type = 'database_restored'`)!;
      expect(JSON.parse(audit.detail)).toMatchObject({ ceremony_record: 'merged' });
    }, fresh);

    // Restoring the same backup again finds every step already here.
    expect(await restoreData({ config: fresh }, path)).toMatchObject({ ok: true, value: { ceremonyRecord: { outcome: 'kept' } } });
  });

  it('restores over a damaged database: the backup names the node, its key must load here and match, the damaged file is kept', async () => {
    const path = await nodeWithBackup();
    // A header overwritten (a disk fault, a bad copy) and the log a crash left beside it.
    const damage = (file: string) => {
      const bytes = readFileSync(file);
      bytes.fill(0x5a, 0, 100);
      writeFileSync(file, bytes);
    };
    damage(config.dbPath);
    writeFileSync(`${config.dbPath}-wal`, 'left by a crash');
    const damagedBytes = readFileSync(config.dbPath);
    const started = await createNode(config).then(() => null, (e: unknown) => e);
    expect(databaseOpenProblem(started, config.dbPath)).toMatch(/^the database .*node\.db is damaged \(SQLITE_NOTADB: .*\); it is left as it is\. Restore a backup over it with `stigmem data restore BACKUP`/);

    const r = await restoreData({ config }, path);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.previousSavedAs).toMatch(/node\.db\.damaged-\d{4}-\d{2}-\d{2}T/);
    expect(readFileSync(r.value.previousSavedAs).equals(damagedBytes)).toBe(true);
    expect(readFileSync(`${r.value.previousSavedAs}-wal`, 'utf8')).toBe('left by a crash');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await withNode((deps) => {
      expect(entities(deps)).toEqual(['stigmem://org-a.example/e/before']);
      const audit = deps.db.get<{ detail: string }>(sql`SELECT detail FROM audit_events WHERE event_type = 'database_restored'`)!;
      expect(JSON.parse(audit.detail)).toMatchObject({ replaced_damaged_database: true, previous_saved_as: r.value.previousSavedAs });
    });
  });

  it('over a damaged database, refuses a backup whose key is not this machine\'s, and leaves the damaged file alone', async () => {
    const other = loadConfig({ STIGMEM_DB_PATH: join(dir, 'other', 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-b.example' }).config;
    await withNode(() => undefined, other);
    const foreign = join(dir, 'foreign.sqlite');
    expect((await backupFolderDatabase({ config: other }, foreign, false)).ok).toBe(true);
    await nodeWithBackup();
    const bytes = readFileSync(config.dbPath);
    bytes.fill(0x5a, 0, 100);
    writeFileSync(config.dbPath, bytes);
    const r = await restoreData({ config }, foreign);
    expect(r.ok).toBe(false);
    expect(['backup_key_mismatch', 'node_id_mismatch']).toContain(r.ok ? '' : r.error.code);
    expect(readFileSync(config.dbPath).equals(bytes)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('damaged') || f.endsWith('.tmp'))).toEqual([]);
  });
});

