// What a crash leaves beside the database and in the backup folder is removed when the node starts: copies made under
// the node lock at once, backup copies another process may still be writing only once they stopped changing.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeBackupDirLeftovers, removeDataDirLeftovers, STALE_AFTER_MS } from '../../../src/main/node/data/leftovers.js';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { createNode } from '../../../src/main/node/runtime.js';

const HEX = 'a1b2c3d4e5f6';

function touch(dir: string, names: string[], ageMs = 0): void {
  for (const name of names) {
    const path = join(dir, name);
    writeFileSync(path, 'copy');
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(path, t, t);
  }
}

describe('leftovers beside the database', () => {
  it('removes copies made under the node lock at once, backup copies once stale, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-leftovers-'));
    const dbPath = join(dir, 'stigmem.db');
    const locked = [`stigmem.db.restore-${HEX}.tmp`, `stigmem.db.restore-${HEX}.tmp-journal`, `stigmem.db.unsealed-${HEX}.tmp`, `stigmem.db.identify-${HEX}.tmp`,
      `.stigmem-inspect-${HEX}.tmp`, `stigmem.identity.pem.${HEX}.tmp`, `stigmem.identity.previous.k1.enc.json.${HEX}.tmp`];
    const keep = ['stigmem.db', 'stigmem.db-wal', 'stigmem.identity.pem', `stigmem.db.damaged-2026-01-01T00-00-00-000Z`, `other.db.restore-${HEX}.tmp`, `notes.${HEX}.tmp`, `stigmem.db.restore-xyz.tmp`];
    touch(dir, [...locked, ...keep]);
    touch(dir, [`.stigmem-backup-${HEX}.tmp`], 1000); // a sealed backup another process may be writing right now
    touch(dir, [`.stigmem-backup-${'0'.repeat(12)}.tmp`, `.stigmem-backup-${'0'.repeat(12)}.tmp-journal`], STALE_AFTER_MS + 60_000);
    mkdirSync(join(dir, `stigmem.db.unsealed-${'f'.repeat(12)}.tmp`)); // not a file: left alone
    const removed = removeDataDirLeftovers(dbPath, Date.now()).map((p) => p.slice(dir.length + 1)).sort();
    expect(removed).toEqual([...locked, `.stigmem-backup-${'0'.repeat(12)}.tmp`, `.stigmem-backup-${'0'.repeat(12)}.tmp-journal`].sort());
    expect(readdirSync(dir).sort()).toEqual([...keep, `.stigmem-backup-${HEX}.tmp`, `stigmem.db.unsealed-${'f'.repeat(12)}.tmp`].sort());
  });

  it('in the backup folder, removes only stale copies of scheduled backups', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-leftovers-b-'));
    const stale = [`stigmem-data-2026-11-24T10-00-00Z.sqlite.${HEX}.tmp`, `stigmem-data-2026-11-24T10-00-00Z.sqlite.${HEX}.tmp-journal`];
    touch(dir, stale, STALE_AFTER_MS + 1000);
    touch(dir, [`stigmem-data-2026-11-24T11-00-00Z.sqlite.${HEX}.tmp`]);
    touch(dir, ['stigmem-data-2026-11-24T09-00-00Z.sqlite', `holiday.sqlite.${HEX}.tmp`], STALE_AFTER_MS + 1000);
    expect(removeBackupDirLeftovers(dir, Date.now()).map((p) => p.slice(dir.length + 1)).sort()).toEqual(stale.sort());
    expect(removeBackupDirLeftovers(join(dir, 'missing'), Date.now())).toEqual([]);
  });

  it('a starting node removes them and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-leftovers-n-'));
    touch(dir, [`node.db.unsealed-${HEX}.tmp`]);
    const { app, deps, notices } = await createNode(loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent' }).config);
    await app.close();
    deps.db.raw.close();
    expect(existsSync(join(dir, `node.db.unsealed-${HEX}.tmp`))).toBe(false);
    expect(notices).toContainEqual(expect.stringContaining(`removed 1 temporary file(s) an interrupted backup, restore or key change left beside the database: node.db.unsealed-${HEX}.tmp`));
  });
});
