// Migration 002 on :memory:: its tables, constraints, and the indexes the manifest and log lookups rely on.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../src/main/node/db/connection.js';
import { MIGRATIONS } from '../../../src/main/node/db/migrations/index.js';

const upTo2 = () => {
  const db = new Database(':memory:');
  migrate(db, MIGRATIONS.slice(0, 2));
  return db;
};

function plan(db: Database.Database, query: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe('migration 002', () => {
  it('creates the log and manifest tables', () => {
    const db = upTo2();
    expect(schemaVersion(db)).toBe(2);
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['tl_meta', 'tl_leaves', 'tl_nodes', 'federation_manifests', 'federation_manifest_entities']));
  });

  it('keeps manifest history immutable and tied to a log leaf', () => {
    const db = upTo2();
    db.pragma('foreign_keys = ON');
    const insertManifest = (logIndex: number) => db.prepare(`INSERT INTO federation_manifests
      (entity_uri, key_id, public_key, issued_at, expires_at, expires_at_ms, document, log_index, published_at, published_by)
      VALUES ('e', 'k', 'p', 'i', 'x', 0, '{}', ?, 't', 'b')`).run(logIndex);
    expect(() => insertManifest(0)).toThrow(/FOREIGN KEY/);
    db.prepare(`INSERT INTO tl_leaves (log_index, kind, leaf_hash, entry, integrated_time) VALUES (0, 'manifest', zeroblob(32), x'7b7d', 0)`).run();
    insertManifest(0);
    expect(() => insertManifest(0)).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE federation_manifests SET key_id = 'other'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM federation_manifests').run()).toThrow(/append-only/);
    expect(() => db.prepare(`INSERT INTO tl_leaves (log_index, kind, leaf_hash, entry, integrated_time) VALUES (1, 'manifest', zeroblob(31), x'7b7d', 0)`).run()).toThrow(/CHECK/);
  });

  it('answers the lookups from indexes', () => {
    const db = upTo2();
    expect(plan(db, 'SELECT * FROM federation_manifests WHERE entity_uri = ? ORDER BY seq DESC LIMIT 1', 'e')).toMatch(/USING INDEX federation_manifests_entity/);
    const covering = plan(db, `SELECT m.* FROM federation_manifest_entities e JOIN federation_manifests m ON m.seq = e.manifest_seq
      WHERE e.entity = ? AND m.entity_uri <> ? AND m.expires_at_ms > ?
        AND m.seq = (SELECT MAX(seq) FROM federation_manifests WHERE entity_uri = m.entity_uri) ORDER BY m.seq DESC LIMIT 1`, 'e', 'e', 0);
    expect(covering).toMatch(/SEARCH e USING PRIMARY KEY \(entity=\?\)/);
    expect(covering).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
    expect(covering).toMatch(/USING COVERING INDEX federation_manifests_entity/);
    expect(covering).not.toMatch(/SCAN/);
    expect(plan(db, `SELECT m.* FROM federation_manifests m WHERE m.public_key = ? AND m.expires_at_ms > ?
        AND m.seq = (SELECT MAX(seq) FROM federation_manifests WHERE entity_uri = m.entity_uri) ORDER BY m.seq DESC LIMIT 1`, 'p', 0))
      .toMatch(/USING INDEX federation_manifests_public_key/);
    expect(plan(db, 'SELECT MAX(log_index) FROM tl_leaves')).toBe('SEARCH tl_leaves');
    expect(plan(db, 'SELECT hash FROM tl_nodes WHERE level = ? AND node_index = ?', 1, 0)).toMatch(/SEARCH tl_nodes USING PRIMARY KEY/);
  });
});
