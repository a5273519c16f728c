// The Data screen's operations against real nodes on SQLite files: a backup taken while the node writes, what a backup
// holds, which files are never replaced, and every refusal of a restore the running node can check itself.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateDataBackupInput, validateDataFileInput, validateDataRestoreInput, type DataBackupDone, type DataInspected, type DataOverview } from '../../../src/shared/data.js';
import { seedFromPkcs8Pem } from '../../../src/main/node/crypto/ed25519.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { identityPemPath } from '../../../src/main/node/secrets/files.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { insertFact, operationsOn, valueOf } from './helpers.js';
import { remark } from '../data/helpers.js';

const ORG = 'stigmem://org-a.example';
let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_ENTITY_URI: ORG });
});
afterEach(async () => n.close());

const op = operationsOn(() => n.deps);
const seedFacts = (count: number, size = 20): void =>
  n.deps.db.transaction(() => {
    for (let i = 0; i < count; i++) insertFact(n.deps, { entity: `stigmem://org-a.example/e/${i}`, relation: 'memory:role', valueType: 'string', value: `v${i}`.padEnd(size, '.') });
  });
const factCount = (): number => n.deps.db.get<{ c: number }>(sql`SELECT COUNT(*) AS c FROM facts`)!.c;

describe('data arguments', () => {
  it('take a full path (and an overwrite flag or the typed entity), nothing else', () => {
    expect(validateDataBackupInput({ path: ' /tmp/a.sqlite ' })).toEqual({ ok: true, value: { path: '/tmp/a.sqlite', overwrite: false } });
    expect(validateDataFileInput({ path: '/tmp/a.sqlite' })).toEqual({ ok: true, value: { path: '/tmp/a.sqlite' } });
    expect(validateDataRestoreInput({ path: '/tmp/a.sqlite', confirmEntity: ` ${ORG} ` })).toEqual({ ok: true, value: { path: '/tmp/a.sqlite', confirmEntity: ORG } });
    const hostile: unknown[] = [null, 'x', [], {}, { path: '' }, { path: 7 }, { path: '/a\u0000b' }, { path: '/'.repeat(5000) }, { path: '/a', extra: 1 }];
    for (const arg of hostile) {
      expect(validateDataBackupInput(arg).ok, JSON.stringify(arg)?.slice(0, 60)).toBe(false);
      expect(validateDataFileInput(arg).ok, JSON.stringify(arg)?.slice(0, 60)).toBe(false);
    }
    expect(validateDataBackupInput({ path: '/a', overwrite: 'yes' }).ok).toBe(false);
    for (const arg of [{ path: '/a' }, { path: '/a', confirmEntity: 7 }, { path: '/a', confirmEntity: 'x'.repeat(3000) }, { confirmEntity: ORG }]) expect(validateDataRestoreInput(arg).ok).toBe(false);
  });
});

describe('data overview and backup', () => {
  it('shows the database, then a backup that holds the same facts, marked with this node and key, audited', async () => {
    seedFacts(30);
    const before = valueOf(await op<DataOverview>('data:overview'));
    expect(before).toMatchObject({ entityUri: ORG, dbPath: join(n.dir, 'node.db'), facts: 30, isPossible: true, whyNot: null, lastBackup: null, inProgress: null });
    expect(before.bytes).toBeGreaterThan(0);
    expect(before.suggestedPath).toMatch(new RegExp(`^${n.dir}/node-data-\\d{4}-\\d{2}-\\d{2}\\.sqlite$`));

    const path = join(n.dir, 'copy.sqlite');
    const done = valueOf(await op<DataBackupDone>('data:backup', { path }));
    expect(done).toMatchObject({ path, nodeId: n.deps.nodeId, entityUri: ORG, keyId: n.deps.keys.org.keyId, facts: 30, peers: 0, bytes: statSync(path).size });
    expect(done.sha256).toBe(`sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // A standalone file (no log beside it to lose), the same rows, and no temporary file left behind.
    const copy = new Database(path, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.prepare('SELECT entity FROM facts ORDER BY entity').pluck().all()).toEqual(n.deps.db.raw.prepare('SELECT entity FROM facts ORDER BY entity').pluck().all());
    copy.close();
    expect(readdirSync(n.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The identity key is never in it (it has its own sealed backup).
    const seed = Buffer.from(seedFromPkcs8Pem(readFileSync(identityPemPath(n.deps.config.dbPath), 'utf8')));
    const bytes = readFileSync(path);
    for (const form of [seed, Buffer.from(seed.toString('base64url')), Buffer.from(seed.toString('hex'))]) expect(bytes.includes(form)).toBe(false);

    const after = valueOf(await op<DataOverview>('data:overview'));
    expect(after.lastBackup).toEqual({ at: expect.any(String), path });
    const audit = n.deps.db.get<{ actor: string; detail: string }>(sql`SELECT actor, detail FROM audit_events WHERE event_type = 'database_backup'`)!;
    expect(audit.actor).toBe(ORG);
    expect(JSON.parse(audit.detail)).toEqual({ path, bytes: done.bytes, sha256: done.sha256, facts: 30, sealed: false });
  });

  it('copies one consistent moment while the node keeps writing, shows its progress, and takes one backup at a time', async () => {
    seedFacts(4000, 1000); // ~5 MB: many steps of the online copy
    const path = join(n.dir, 'busy.sqlite');
    const running = op<DataBackupDone>('data:backup', { path });
    let wrote = 0;
    let sawProgress: DataOverview['inProgress'] = null;
    let sawPolled: DataOverview['inProgress'] = null;
    let sawBusy = false;
    for (let turn = 0; turn < 5; turn++) {
      await new Promise((r) => setImmediate(r));
      insertFact(n.deps, { entity: `stigmem://org-a.example/late/${turn}`, relation: 'memory:role', valueType: 'string', value: 'late' });
      wrote++;
      sawProgress ??= valueOf(await op<DataOverview>('data:overview')).inProgress;
      sawPolled ??= valueOf(await op<DataOverview['inProgress']>('data:progress'));
      if (!sawBusy) sawBusy = (await op('data:backup', { path: join(n.dir, 'second.sqlite') })).ok === false;
    }
    const done = valueOf(await running);
    expect(sawProgress).toMatchObject({ path, fraction: expect.any(Number) });
    expect(sawPolled).toMatchObject({ path, fraction: expect.any(Number) });
    expect(sawBusy).toBe(true);
    expect(existsSync(join(n.dir, 'second.sqlite'))).toBe(false);
    expect(done.facts).toBeGreaterThanOrEqual(4000);
    expect(done.facts).toBeLessThanOrEqual(4000 + wrote);
    const copy = new Database(path, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT COUNT(*) FROM facts').pluck().get()).toBe(done.facts);
    copy.close();
    expect(factCount()).toBe(4000 + wrote);
    expect(valueOf(await op<DataOverview>('data:overview')).inProgress).toBeNull();
    expect(valueOf(await op('data:progress'))).toBeNull();
  });

  it('replaces only an earlier backup, and only when asked; never another file or the database itself', async () => {
    const path = join(n.dir, 'b.sqlite');
    valueOf(await op('data:backup', { path }));
    expect(await op('data:backup', { path })).toMatchObject({ ok: false, error: { code: 'file_exists', message: expect.stringContaining('ask to replace it') } });
    seedFacts(3);
    expect(valueOf(await op<DataBackupDone>('data:backup', { path, overwrite: true })).facts).toBe(3);

    const notes = join(n.dir, 'notes.txt');
    writeFileSync(notes, 'keep me');
    expect(await op('data:backup', { path: notes, overwrite: true })).toMatchObject({ ok: false, error: { code: 'file_exists', message: expect.stringContaining('never replaced') } });
    expect(readFileSync(notes, 'utf8')).toBe('keep me');
    const dbBytes = readFileSync(n.deps.config.dbPath);
    expect(await op('data:backup', { path: n.deps.config.dbPath, overwrite: true })).toMatchObject({ ok: false, error: { code: 'file_exists' } });
    expect(readFileSync(n.deps.config.dbPath).equals(dbBytes)).toBe(true);
    expect(factCount()).toBe(3);

    expect(await op('data:backup', { path: 'relative.sqlite' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await op('data:backup', { path: join(n.dir, 'missing-folder', 'b.sqlite') })).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(file_unreadable|internal_error)$/) } });
    expect(readdirSync(n.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('is refused on a node without a data folder', async () => {
    const mem = await makeTestNode({ STIGMEM_DB_PATH: ':memory:' });
    try {
      const memOp = operationsOn(() => mem.deps);
      expect(valueOf(await memOp<DataOverview>('data:overview'))).toMatchObject({ isPossible: false, whyNot: expect.stringContaining(':memory:'), suggestedPath: '' });
      expect(await memOp('data:backup', { path: join(mem.dir, 'x.sqlite') })).toMatchObject({ ok: false, error: { code: 'no_data_folder' } });
    } finally {
      await mem.close();
    }
  });
});

describe('inspecting a backup', () => {
  it('says what it holds and whether this node can take it back', async () => {
    seedFacts(5);
    const path = join(n.dir, 'b.sqlite');
    valueOf(await op('data:backup', { path }));
    expect(valueOf(await op<DataInspected>('data:inspect', { path }))).toMatchObject({ path, facts: 5, nodeId: n.deps.nodeId, keyId: n.deps.keys.org.keyId, isRestorable: true, whyNot: null });

    const rotated = join(n.dir, 'rotated.sqlite');
    copyFileSync(path, rotated);
    remark(rotated, { key_id: 'ab'.repeat(32) });
    expect(valueOf(await op<DataInspected>('data:inspect', { path: rotated }))).toMatchObject({ isRestorable: false, whyNot: expect.stringContaining('earlier identity key') });
    const other = join(n.dir, 'other.sqlite');
    copyFileSync(path, other);
    remark(other, { node_id: 'stigmem:node:00000000000000000000000000000000' });
    expect(valueOf(await op<DataInspected>('data:inspect', { path: other }))).toMatchObject({ isRestorable: false, whyNot: expect.stringContaining('not of this node') });
  });

  it('refuses what is not an intact backup, naming why', async () => {
    const path = join(n.dir, 'b.sqlite');
    seedFacts(400, 1000);
    valueOf(await op('data:backup', { path }));
    const cases: [string, () => void, RegExp][] = [
      ['live.sqlite', () => copyFileSync(n.deps.config.dbPath, join(n.dir, 'live.sqlite')), /no backup mark/],
      ['text.sqlite', () => writeFileSync(join(n.dir, 'text.sqlite'), 'hello, not a database'), /not a Stigmem database backup/],
      ['empty.sqlite', () => writeFileSync(join(n.dir, 'empty.sqlite'), ''), /not a Stigmem database backup/],
      ['cut.sqlite', () => (copyFileSync(path, join(n.dir, 'cut.sqlite')), truncateSync(join(n.dir, 'cut.sqlite'), Math.floor(statSync(path).size / 2))), /damaged|malformed|not a Stigmem/],
      ['newer.sqlite', () => {
        copyFileSync(path, join(n.dir, 'newer.sqlite'));
        const db = new Database(join(n.dir, 'newer.sqlite'));
        db.pragma('user_version = 99');
        db.close();
      }, /newer Stigmem Desktop/],
    ];
    for (const [name, make, why] of cases) {
      make();
      const r = await op('data:inspect', { path: join(n.dir, name) });
      expect(r, name).toMatchObject({ ok: false, error: { code: 'backup_invalid' } });
      if (!r.ok) expect(r.error.message, name).toMatch(why);
    }
    expect(await op('data:inspect', { path: join(n.dir, 'absent.sqlite') })).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    expect(await op('data:inspect', { path: n.dir })).toMatchObject({ ok: false, error: { code: 'backup_invalid', message: expect.stringContaining('not a file') } });
    expect(await op('data:inspect', { path: 'b.sqlite' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});

describe('restore on the console', () => {
  it('checks the typed entity and the file, then leaves the restore to the desktop or the CLI', async () => {
    const path = join(n.dir, 'b.sqlite');
    valueOf(await op('data:backup', { path }));
    expect(await op('data:restore', { path, confirmEntity: 'stigmem://other.example' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await op('data:restore', { path: join(n.dir, 'absent.sqlite'), confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    const other = join(n.dir, 'other.sqlite');
    copyFileSync(path, other);
    remark(other, { node_id: 'stigmem:node:00000000000000000000000000000000' });
    expect(await op('data:restore', { path: other, confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'backup_mismatch' } });
    expect(await op('data:restore', { path, confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'node_must_stop', message: expect.stringContaining('stigmem data restore') } });
  });
});
