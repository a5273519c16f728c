// Automatic database backups on a real node and SQLite files: the first soon after start, none again before the
// interval (across a restart), the newest N of this node's kept and nothing else removed, failures audited once.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/main/node/config/env.js';
import { readDataBackup } from '../../../src/main/node/data/backupFile.js';
import { automaticBackupSettings } from '../../../src/main/node/data/settings.js';
import { automaticBackupName, BackupSchedule, backupSchedule } from '../../../src/main/node/data/schedule.js';
import { sql } from '../../../src/main/node/db/sql.js';
import type { DataOverview } from '../../../src/shared/data.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { operationsOn, valueOf } from '../console/helpers.js';
import { remark } from './helpers.js';

const nodes: TestNode[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'stigmem-auto-'));
  dirs.push(d);
  return d;
}

async function node(env: Record<string, string>, clock?: { nowMs(): number }): Promise<TestNode> {
  const n = await makeTestNode(env, clock ? { clock } : {});
  nodes.push(n);
  return n;
}

const backupsIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.sqlite')).sort();

describe('automatic backup settings', () => {
  it('read a folder, an interval in minutes and a number kept, and refuse values out of range', () => {
    const { config } = loadConfig({ STIGMEM_DB_PATH: '/tmp/x/node.db', STIGMEM_BACKUP_DIR: 'backups', STIGMEM_BACKUP_INTERVAL_MIN: '60', STIGMEM_BACKUP_KEEP: '3' });
    expect(config).toMatchObject({ backupDir: join(process.cwd(), 'backups'), backupIntervalMin: 60, backupKeep: 3 });
    expect(loadConfig({ STIGMEM_DB_PATH: '/tmp/x/node.db' }).config).toMatchObject({ backupDir: null, backupIntervalMin: 1440, backupKeep: 7 });
    for (const [name, value] of [['STIGMEM_BACKUP_INTERVAL_MIN', '0'], ['STIGMEM_BACKUP_INTERVAL_MIN', 'daily'], ['STIGMEM_BACKUP_KEEP', '0'], ['STIGMEM_BACKUP_KEEP', '1.5']] as const) {
      expect(() => loadConfig({ STIGMEM_BACKUP_DIR: '/tmp/b', [name]: value }), `${name}=${value}`).toThrow(ConfigError);
    }
    const memory = loadConfig({ STIGMEM_DB_PATH: ':memory:', STIGMEM_BACKUP_DIR: '/tmp/b' });
    expect(memory.config.backupDir).toBeNull();
    expect(memory.warnings.join('\n')).toContain('STIGMEM_BACKUP_DIR is ignored');
  });
});

describe('automatic backups', () => {
  it('take one soon after start, show the schedule, and wait the interval after a restart', async () => {
    const dir = folder();
    const env = { STIGMEM_BACKUP_DIR: dir, STIGMEM_BACKUP_INTERVAL_MIN: '60' };
    const n = await node(env);
    await n.app.ready();
    while (backupsIn(dir).length === 0) await new Promise((r) => setTimeout(r, 20));
    const [file] = backupsIn(dir);
    while (n.deps.db.get(sql`SELECT 1 FROM audit_events WHERE event_type = 'database_backup'`) === undefined) await new Promise((r) => setTimeout(r, 20));
    expect(readDataBackup(join(dir, file!))).toMatchObject({ nodeId: n.deps.nodeId });
    const audit = n.deps.db.get<{ detail: string }>(sql`SELECT detail FROM audit_events WHERE event_type = 'database_backup'`)!;
    expect(JSON.parse(audit.detail)).toMatchObject({ path: join(dir, file!), automatic: true });
    const o = valueOf(await operationsOn(() => n.deps)<DataOverview>('data:overview'));
    expect(o.automatic).toMatchObject({ dir, intervalMinutes: 60, keep: 7, lastError: null, source: 'environment' });
    expect(await operationsOn(() => n.deps)('data:schedule', { dir: null, intervalMinutes: 60, keep: 7 })).toMatchObject({ ok: false, error: { code: 'configured_by_environment' } });
    const next = Date.parse(o.automatic!.nextAt!.replace(/(\.\d{3})\d*/, '$1'));
    expect(next - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(o.lastBackup).toMatchObject({ path: join(dir, file!) });
    // A node started again (a new schedule on the same database) waits out the interval from that backup.
    const again = new BackupSchedule(n.deps, { dir, intervalMinutes: 60, keep: 7 });
    again.start();
    const planned = Date.parse(again.state.nextAt!.replace(/(\.\d{3})\d*/, '$1'));
    again.stop();
    expect(Math.abs(planned - next)).toBeLessThan(5_000);
    expect(backupsIn(dir)).toEqual([file]);
  });

  it('remove, when they start, the stale temporary copy a crash left in the folder', async () => {
    const dir = folder();
    const left = join(dir, `${automaticBackupName(Date.parse('2026-01-01T00:00:00Z'))}.0123456789ab.tmp`);
    writeFileSync(left, 'a copy cut short');
    const old = (Date.now() - 3_600_000) / 1000;
    utimesSync(left, old, old);
    const n = await node({});
    const schedule = new BackupSchedule(n.deps, { dir, intervalMinutes: 1440, keep: 2 });
    schedule.start();
    schedule.stop();
    expect(existsSync(left)).toBe(false);
  });

  it('keep the newest of this node\'s backups and remove nothing else', async () => {
    const dir = folder();
    let now = Date.parse('2026-06-01T00:00:00Z');
    const n = await node({}, { nowMs: () => now });
    const schedule = new BackupSchedule(n.deps, { dir, intervalMinutes: 1440, keep: 2 });
    // Left alone: a file of the same name pattern that is not a backup, another node's backup, a backup under another name.
    writeFileSync(join(dir, automaticBackupName(Date.parse('2026-01-01T00:00:00Z'))), 'not a backup');
    const first = valueOf(await schedule.runOnce());
    const foreign = join(dir, automaticBackupName(Date.parse('2026-01-02T00:00:00Z')));
    copyFileSync(first.path, foreign);
    remark(foreign, { node_id: 'stigmem:node:00000000000000000000000000000000' });
    copyFileSync(first.path, join(dir, 'kept-by-hand.sqlite'));
    const taken = [first.path];
    for (let i = 1; i < 4; i++) {
      now += 3_600_000;
      taken.push(valueOf(await schedule.runOnce()).path);
    }
    // What the Data screen offers to restore: the kept ones, newest first.
    expect(schedule.backups.map((b) => b.path)).toEqual(taken.slice(2).reverse());
    expect(taken.slice(0, 2).every((p) => !existsSync(p))).toBe(true);
    expect(taken.slice(2).every((p) => existsSync(p))).toBe(true);
    expect(backupsIn(dir)).toEqual([automaticBackupName(Date.parse('2026-01-01T00:00:00Z')), automaticBackupName(Date.parse('2026-01-02T00:00:00Z')), 'kept-by-hand.sqlite', ...taken.slice(2).map((p) => p.slice(dir.length + 1))].sort());
  });

  it('audit a failure once while it lasts, and recover', async () => {
    const parent = folder();
    const dir = join(parent, 'backups');
    writeFileSync(dir, 'a file where the folder should be');
    let now = Date.parse('2026-06-01T00:00:00Z');
    const n = await node({}, { nowMs: () => now });
    const schedule = new BackupSchedule(n.deps, { dir, intervalMinutes: 1440, keep: 7 });
    expect((await schedule.runOnce()).ok).toBe(false);
    now += 60_000;
    expect((await schedule.runOnce()).ok).toBe(false);
    expect(n.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'database_backup_failed'`)).toHaveLength(1);
    expect(schedule.state.lastError).toMatch(/^2026-06-01T00:01:00/);
    rmSync(dir);
    expect((await schedule.runOnce()).ok).toBe(true);
    expect(schedule.state.lastError).toBeNull();
  });

  it('are set, changed and turned off on the Data screen, kept in the database, audited', async () => {
    const dir = folder();
    const n = await node({});
    await n.app.ready();
    const op = operationsOn(() => n.deps);
    expect(valueOf(await op<DataOverview>('data:overview')).automatic).toBeNull();
    for (const bad of [{ dir: 'relative', intervalMinutes: 60, keep: 3 }, { dir, intervalMinutes: 0, keep: 3 }, { dir, intervalMinutes: 60, keep: 0 }, { dir, intervalMinutes: 1.5, keep: 3 }, { dir, intervalMinutes: 60 }, { dir: 7, intervalMinutes: 60, keep: 3 }]) {
      expect(await op('data:schedule', bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    const set = valueOf(await op<DataOverview['automatic']>('data:schedule', { dir, intervalMinutes: 120, keep: 3 }));
    expect(set).toMatchObject({ dir, intervalMinutes: 120, keep: 3, source: 'screen' });
    // It starts at once: there was no automatic backup yet.
    while (backupsIn(dir).length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(automaticBackupSettings(n.deps)).toEqual({ settings: { dir, intervalMinutes: 120, keep: 3 }, source: 'screen' });
    let listed = valueOf(await op<DataOverview>('data:overview')).automatic!.backups;
    while (listed.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      listed = valueOf(await op<DataOverview>('data:overview')).automatic!.backups;
    }
    expect(listed.map((b) => b.path)).toEqual(backupsIn(dir).map((f) => join(dir, f)));
    const changed = valueOf(await op<DataOverview['automatic']>('data:schedule', { dir, intervalMinutes: 30, keep: 3 }));
    // Changed to a shorter interval, the next run counts from the last backup rather than starting over.
    expect(Date.parse(changed!.nextAt!.replace(/(\.\d{3})\d*/, '$1')) - Date.now()).toBeLessThan(31 * 60_000);
    expect(valueOf(await op('data:schedule', { dir: null, intervalMinutes: 30, keep: 3 }))).toBeNull();
    expect(backupSchedule(n.deps)).toBeNull();
    expect(valueOf(await op<DataOverview>('data:overview')).automatic).toBeNull();
    const audit = n.deps.db.all<{ detail: string }>(sql`SELECT detail FROM audit_events WHERE event_type = 'backup_schedule_changed' ORDER BY seq`);
    expect(audit.map((a) => JSON.parse(a.detail).automatic_backup)).toEqual([{ dir, intervalMinutes: 120, keep: 3 }, { dir, intervalMinutes: 30, keep: 3 }, null]);
  });

  it('show a failing folder on the Data screen', async () => {
    const file = join(folder(), 'not-a-folder');
    writeFileSync(file, 'x');
    const n = await node({});
    await n.app.ready();
    const op = operationsOn(() => n.deps);
    valueOf(await op('data:schedule', { dir: file, intervalMinutes: 60, keep: 3 }));
    let automatic = valueOf(await op<DataOverview>('data:overview')).automatic;
    while (automatic?.lastError === null) {
      await new Promise((r) => setTimeout(r, 20));
      automatic = valueOf(await op<DataOverview>('data:overview')).automatic;
    }
    expect(automatic).toMatchObject({ dir: file, lastError: expect.stringContaining('not-a-folder'), source: 'screen' });
  });

  it('wait out an interval longer than a timer can hold, rather than firing at once', async () => {
    const dir = folder();
    const n = await node({});
    const first = new BackupSchedule(n.deps, { dir, intervalMinutes: 525_600, keep: 3 });
    valueOf(await first.runOnce());
    const yearly = new BackupSchedule(n.deps, { dir, intervalMinutes: 525_600, keep: 3 });
    yearly.start();
    await new Promise((r) => setTimeout(r, 200));
    yearly.stop();
    expect(backupsIn(dir)).toHaveLength(1);
  });
});

/** Hold every database copy the node starts until the returned release is called (a large database, in effect). */
function holdCopies(n: TestNode): { started: Promise<void>; release: () => void } {
  const raw = n.deps.db.raw;
  const copy = raw.backup.bind(raw);
  let start!: () => void;
  let release!: () => void;
  const started = new Promise<void>((r) => (start = r));
  const open = new Promise<void>((r) => (release = r));
  raw.backup = (async (...args: Parameters<typeof copy>) => {
    start();
    await open;
    return copy(...args);
  }) as typeof raw.backup;
  return { started, release };
}

describe('automatic backups beside another backup under way', () => {
  it('do not count a run that found a backup from the Data screen under way as a failure', async () => {
    const dir = folder();
    const n = await node({});
    await n.app.ready();
    const op = operationsOn(() => n.deps);
    const held = holdCopies(n);
    const manual = op('data:backup', { path: join(folder(), 'by-hand.sqlite'), overwrite: false });
    await held.started;
    const schedule = new BackupSchedule(n.deps, { dir, intervalMinutes: 60, keep: 3 });
    const r = await schedule.runOnce();
    expect(r).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(schedule.state.lastError).toBeNull();
    held.release();
    valueOf(await manual);
    expect(n.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'database_backup_failed'`)).toEqual([]);
  });

  it('changed while one runs, plan the next from that one instead of reporting it busy and taking another', async () => {
    const dir = folder();
    const n = await node({});
    await n.app.ready();
    const op = operationsOn(() => n.deps);
    const held = holdCopies(n);
    valueOf(await op('data:schedule', { dir, intervalMinutes: 120, keep: 3 }));
    await held.started;
    // The first automatic backup is being copied when the operator changes how many are kept.
    valueOf(await op('data:schedule', { dir, intervalMinutes: 120, keep: 5 }));
    // The new schedule's first turn finds that copy under way and waits for it.
    while (backupSchedule(n.deps)!.state.nextAt !== null) await new Promise((r) => setTimeout(r, 10));
    held.release();
    while (n.deps.db.get(sql`SELECT 1 FROM audit_events WHERE event_type = 'database_backup'`) === undefined) await new Promise((r) => setTimeout(r, 20));
    let state = backupSchedule(n.deps)!.state;
    while (state.nextAt === null) {
      await new Promise((r) => setTimeout(r, 20));
      state = backupSchedule(n.deps)!.state;
    }
    expect(state).toMatchObject({ keep: 5, lastError: null });
    expect(Date.parse(state.nextAt!.replace(/(\.\d{3})\d*/, '$1')) - Date.now()).toBeGreaterThan(119 * 60_000);
    expect(n.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'database_backup_failed'`)).toEqual([]);
    expect(backupsIn(dir)).toHaveLength(1);
  });
});

describe('automatic backups when the node closes', () => {
  it('end quietly, with nothing left behind, whether copying or waiting for another copy', async () => {
    const dir = folder();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const n = await makeTestNode({});
    try {
      await n.app.ready();
      const op = operationsOn(() => n.deps);
      const held = holdCopies(n);
      const manualDir = folder();
      const manual = op('data:backup', { path: join(manualDir, 'by-hand.sqlite'), overwrite: false });
      await held.started;
      valueOf(await op('data:schedule', { dir, intervalMinutes: 60, keep: 3 }));
      while (backupSchedule(n.deps)!.state.nextAt !== null) await new Promise((r) => setTimeout(r, 10));
      await n.app.close();
      n.deps.db.raw.close();
      held.release();
      expect(await manual).toMatchObject({ ok: false });
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      expect(readdirSync(manualDir)).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      rmSync(n.dir, { recursive: true, force: true });
    }
  });
});
