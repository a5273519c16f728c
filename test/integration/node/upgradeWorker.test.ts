// The schema upgrade the desktop runs before its node starts: in the built worker (out/main/upgradeWorker.js) and on
// the caller's thread, on real files an earlier version left behind. Steps are reported in order, rows survive, a
// failing step leaves the file at the version it had, and a worker that cannot start hands the upgrade back.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseUpgradeError } from '../../../src/main/node/db/connection.js';
import { LATEST_SCHEMA_VERSION } from '../../../src/main/node/db/migrations/index.js';
import { builtUpgradeWorker, pendingUpgrade, upgradeDatabase, type UpgradeStep } from '../../../src/main/node/db/upgrade.js';
import { blockMigration7, oldDatabaseFile, RESERVED_004_005 } from '../../helpers/oldDatabase.js';
import { REPO_ROOT } from '../../helpers/process.js';

const WORKER = builtUpgradeWorker(join(REPO_ROOT, 'out/main'));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempPath(name = 'node.db'): string {
  const d = mkdtempSync(join(tmpdir(), 'stigmem-upgrade-worker-'));
  dirs.push(d);
  return join(d, name);
}

const oldFile = (version: number, n: number): string => oldDatabaseFile(tempPath(), version, n);

function inspect(path: string): { version: number; facts: number; values: string[] } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      facts: (db.prepare('SELECT COUNT(*) AS n FROM facts').get() as { n: number }).n,
      values: (db.prepare('SELECT value_v FROM facts ORDER BY seq LIMIT 3').pluck().all() as string[]),
    };
  } finally {
    db.close();
  }
}

const EXPECTED_FROM_6: UpgradeStep[] = [
  { version: 7, name: 'fact_indexes', index: 1, total: 3 },
  { version: 8, name: 'fact_checks', index: 2, total: 3 },
  { version: 9, name: 'peer_signed_pages', index: 3, total: 3 },
];

describe('pendingUpgrade', () => {
  it('is empty for a missing file, a new one and one at the latest version; lists the rest', () => {
    expect(pendingUpgrade(tempPath())).toEqual([]);
    expect(pendingUpgrade(':memory:')).toEqual([]);
    expect(pendingUpgrade(oldFile(LATEST_SCHEMA_VERSION, 1))).toEqual([]);
    expect(pendingUpgrade(oldFile(6, 1)).map((m) => m.version)).toEqual([7, 8, 9]);
    expect(pendingUpgrade(oldFile(1, 0)).map((m) => m.version)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe.each([
  ['in the built worker', WORKER],
  ['on the calling thread', undefined],
])('upgradeDatabase %s', (_label, workerFile) => {
  it('runs every pending step in order, reports each, and keeps every fact', async () => {
    if (_label === 'in the built worker') expect(WORKER, 'out/main/upgradeWorker.js (npx electron-vite build)').toBeDefined();
    const path = oldFile(6, 500);
    const steps: UpgradeStep[] = [];
    const notices: string[] = [];
    expect(await upgradeDatabase(path, { workerFile, onStep: (s) => steps.push(s), onNotice: (m) => notices.push(m) })).toBe(3);
    expect(steps).toEqual(EXPECTED_FROM_6);
    expect(notices).toEqual([]);
    expect(inspect(path)).toEqual({ version: LATEST_SCHEMA_VERSION, facts: 500, values: ['v0', 'v1', 'v2'] });
    // Nothing left to do: no step, no worker.
    expect(await upgradeDatabase(path, { workerFile, onStep: (s) => steps.push(s) })).toBe(0);
    expect(steps).toHaveLength(3);
  });

  it('completes a schema-5 file from a build whose 004 and 005 were empty before its steps', async () => {
    const path = oldDatabaseFile(tempPath(), 5, 30, RESERVED_004_005);
    const steps: UpgradeStep[] = [];
    expect(await upgradeDatabase(path, { workerFile, onStep: (s) => steps.push(s) })).toBe(4);
    expect(steps.map((s) => s.version)).toEqual([6, 7, 8, 9]);
    expect(inspect(path)).toEqual({ version: LATEST_SCHEMA_VERSION, facts: 30, values: ['v0', 'v1', 'v2'] });
    const db = new Database(path, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('node_settings', 'quarantine_decisions', 'capability_tokens', 'fact_provenance') ORDER BY name").pluck().all();
    db.close();
    expect(tables).toEqual(['capability_tokens', 'fact_provenance', 'node_settings', 'quarantine_decisions']);
  });

  it('stops at a failing step with its reason and leaves the file at the version it had', async () => {
    const path = oldFile(6, 20);
    blockMigration7(path);
    const steps: UpgradeStep[] = [];
    const err = await upgradeDatabase(path, { workerFile, onStep: (s) => steps.push(s) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUpgradeError);
    expect((err as Error).message).toMatch(/^upgrading the database to schema 7 \(fact_indexes\) failed, so it stays at schema 6: .*facts_triple_cid/);
    expect(steps).toEqual([EXPECTED_FROM_6[0]]);
    expect(inspect(path)).toMatchObject({ version: 6, facts: 20 });
  });
});

describe('the upgrade worker', () => {
  it('leaves the calling thread free while it works: the event loop turns before the last step is reported', async () => {
    expect(WORKER).toBeDefined();
    // On the calling thread every step is reported inside one synchronous call, before any queued callback runs.
    for (const [workerFile, turnsFirst] of [[WORKER, true], [undefined, false]] as const) {
      const path = oldFile(6, 50);
      let turned = false;
      setImmediate(() => (turned = true));
      let turnedBeforeLast: boolean | null = null;
      await upgradeDatabase(path, { workerFile, onStep: (s) => s.index === s.total && (turnedBeforeLast = turned) });
      expect(turnedBeforeLast, workerFile ?? 'inline').toBe(turnsFirst);
    }
  });

  it('hands the upgrade back to the calling thread, once and said, when it cannot start', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'stigmem-broken-worker-')), 'upgradeWorker.mjs');
    dirs.push(join(broken, '..'));
    writeFileSync(broken, "throw new Error('this build is broken');\n");
    const path = oldFile(6, 10);
    const steps: UpgradeStep[] = [];
    const notices: string[] = [];
    expect(await upgradeDatabase(path, { workerFile: broken, onStep: (s) => steps.push(s), onNotice: (m) => notices.push(m) })).toBe(3);
    expect(notices).toEqual([expect.stringMatching(/^the upgrade runs on the main thread \(upgrade worker failed: this build is broken\)$/)]);
    expect(steps).toEqual(EXPECTED_FROM_6);
    expect(inspect(path)).toMatchObject({ version: LATEST_SCHEMA_VERSION, facts: 10 });
  });

  it('leaves a file from a newer version alone (the node then refuses it with its own message)', async () => {
    const path = oldFile(LATEST_SCHEMA_VERSION, 3);
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(await upgradeDatabase(path, { workerFile: WORKER })).toBe(0);
    expect(inspect(path)).toMatchObject({ version: LATEST_SCHEMA_VERSION + 1, facts: 3 });
  });
});
