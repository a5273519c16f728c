// One test per later migration: applied on top of the previous version on :memory:, it creates what it promises.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseUpgradeError, migrate, openDatabase, schemaVersion } from '../../../src/main/node/db/connection.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src/main/node/db/migrations/index.js';

function upTo(version: number): Database.Database {
  const db = new Database(':memory:');
  migrate(db, MIGRATIONS.slice(0, version));
  expect(schemaVersion(db)).toBe(version);
  return db;
}

const names = (db: Database.Database, type: string): string[] =>
  (db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as { name: string }[]).map((r) => r.name);

function added(version: number, type: string): string[] {
  const before = new Set(names(upTo(version - 1), type));
  return names(upTo(version), type).filter((n) => !before.has(n));
}

describe('003 federation', () => {
  it('adds peers, peer nonces and their indexes', () => {
    expect(added(3, 'table')).toEqual(['peer_nonces', 'peers']);
    expect(added(3, 'index')).toEqual(expect.arrayContaining(['audit_events_peer', 'peer_nonces_expiry', 'peers_node_id', 'peers_status']));
  });

  it('allows only the known peer statuses and keeps nonces single-use', () => {
    const db = upTo(3);
    const insert = (id: string, status: string) =>
      db.prepare(`INSERT INTO peers (id, node_url, trusted_public_key, status, registration, allowed_scopes, created_at) VALUES (?, 'http://x', 'k', ?, 'pinned', '[]', 't')`).run(id, status);
    expect(() => insert('a', 'active')).not.toThrow();
    expect(() => insert('b', 'trusted-forever')).toThrow(/CHECK/);
    db.prepare('INSERT INTO peer_nonces (nonce, peer_id, expires_at_ms) VALUES (?, ?, ?)').run('n1', 'a', 1);
    expect(() => db.prepare('INSERT INTO peer_nonces (nonce, peer_id, expires_at_ms) VALUES (?, ?, ?)').run('n1', 'a', 2)).toThrow(/UNIQUE/);
  });

  it('finds a peer by node id through its index', () => {
    const plan = upTo(3).prepare("EXPLAIN QUERY PLAN SELECT * FROM peers WHERE node_id = 'x'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('USING INDEX peers_node_id');
  });
});

describe('005 tokens and provenance', () => {
  it('adds token, revocation and provenance tables', () => {
    expect(added(5, 'table')).toEqual(expect.arrayContaining(['capability_revocations', 'capability_tokens', 'fact_provenance', 'revocation_pull_state']));
  });

  it('keeps provenance and revocations append-only', () => {
    const triggers = added(5, 'trigger');
    expect(triggers.some((t) => t.startsWith('fact_provenance_no_update'))).toBe(true);
    expect(triggers.some((t) => t.startsWith('capability_revocations_no_delete'))).toBe(true);
  });
});

describe('006 rotation', () => {
  it('adds the append-only key rotation record', () => {
    expect(added(6, 'table')).toEqual(['key_rotations']);
    expect(added(6, 'trigger')).toEqual(['key_rotations_no_delete', 'key_rotations_no_update']);
    expect(added(6, 'index')).toContain('key_rotations_trust');
  });
});

describe('007 fact indexes', () => {
  const insert = (db: Database.Database, id: string, cid: string, entity = 'e') =>
    db.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
      VALUES (?, ?, ?, 'r', 'string', 'v', 's', 't', 'h', 1.0, 'public')`).run(id, cid, entity);

  it('replaces the CID and triple indexes with a unique triple+CID index and a windowed CID prefix index', () => {
    const before = names(upTo(6), 'index');
    expect(before).toEqual(expect.arrayContaining(['facts_cid', 'facts_triple']));
    const after = names(upTo(7), 'index');
    expect(after).toEqual(expect.arrayContaining(['facts_triple_cid', 'facts_cid_window']));
    expect(after).not.toContain('facts_cid');
    expect(after).not.toContain('facts_triple');
    expect(after).not.toContain('facts_hlc');
    expect(after).toContain('facts_served');
  });

  it('keeps facts stored under version 6 and still refuses a second row with the same CID', () => {
    const db = upTo(6);
    const cid = `sha256:${'0f'.repeat(32)}`;
    insert(db, 'a', cid);
    migrate(db, MIGRATIONS.slice(0, 7));
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT id FROM facts WHERE (seq >> 13) = 0 AND unhex(substr(cid, 8, 8)) = unhex(substr(?, 8, 8)) AND cid = ?').get(cid, cid)).toEqual({ id: 'a' });
    expect(() => insert(db, 'b', cid)).toThrow(/UNIQUE/);
  });
});

describe('008 fact checks', () => {
  const insert = (db: Database.Database, id: string, over: Record<string, unknown> = {}) => {
    const row = { id, cid: `sha256:${id.padEnd(64, '0')}`, entity: `e/${id}`, value_type: 'string', interpret_as: 'content', confidence: 0.5, scope: 'public', ...over };
    return db.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, interpret_as, source, timestamp, hlc, confidence, scope)
      VALUES (@id, @cid, @entity, 'r', @value_type, 'v', @interpret_as, 's', 't', 'h', @confidence, @scope)`).run(row);
  };
  const factsSql = (db: Database.Database): string => db.prepare("SELECT sql FROM sqlite_master WHERE name = 'facts'").pluck().get() as string;
  const indexesOfFacts = (db: Database.Database): string[] =>
    (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts' ORDER BY name").all() as { name: string; sql: string | null }[]).map((r) => `${r.name}: ${r.sql}`);

  function populatedAt7(): Database.Database {
    const db = upTo(7);
    db.pragma('foreign_keys = ON');
    for (const id of ['a1', 'b2', 'c3']) insert(db, id);
    insert(db, 'd4', { value_type: 'number', scope: 'team', interpret_as: 'instruction', confidence: 1 });
    db.prepare("INSERT INTO conflicts (id, seq, fact_a, fact_b, status, detected_at) VALUES ('k', 1, 'a1', 'b2', 'unresolved', 't')").run();
    // The high-water mark sits above the newest row: seq 5 was used and its row is gone.
    insert(db, 'e5');
    db.prepare("DELETE FROM facts WHERE id = 'e5'").run();
    return db;
  }

  it('keeps every row, seq and index, and the high-water mark above the newest row', () => {
    const db = populatedAt7();
    const rows = db.prepare('SELECT * FROM facts ORDER BY seq').all();
    const indexes = indexesOfFacts(db);
    expect(factsSql(db)).toContain("value_type IN ('string'");
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT * FROM facts ORDER BY seq').all()).toEqual(rows);
    expect(indexesOfFacts(db)).toEqual(indexes);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(Number(insert(db, 'f6').lastInsertRowid)).toBe(6);
  });

  it('writes the checks as comparison chains that refuse exactly what the IN lists refused', () => {
    const db = populatedAt7();
    migrate(db);
    expect(factsSql(db)).not.toMatch(/ IN \(/);
    for (const [field, value] of [['value_type', 'blob'], ['scope', 'galaxy'], ['interpret_as', 'command'], ['confidence', 1.5], ['confidence', -0.1]] as const) {
      expect(() => insert(db, `bad-${field}-${String(value)}`, { [field]: value }), `${field}=${value}`).toThrow(/CHECK/);
    }
    for (const value_type of ['string', 'text', 'number', 'boolean', 'datetime', 'ref', 'null']) expect(() => insert(db, `t-${value_type}`, { value_type })).not.toThrow();
    for (const scope of ['local', 'team', 'company', 'public']) expect(() => insert(db, `s-${scope}`, { scope })).not.toThrow();
  });

  it('leaves foreign keys on and enforced by the references other tables hold into the rebuilt table', () => {
    const db = populatedAt7();
    migrate(db);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare("INSERT INTO conflicts (id, seq, fact_a, fact_b, status, detected_at) VALUES ('k2', 2, 'a1', 'nope', 'unresolved', 't')").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("DELETE FROM facts WHERE id = 'a1'").run()).toThrow(/FOREIGN KEY/);
  });

  it('refuses to commit over a broken reference and leaves the database at version 7', () => {
    const db = populatedAt7();
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO conflicts (id, seq, fact_a, fact_b, status, detected_at) VALUES ('k3', 3, 'a1', 'missing', 'unresolved', 't')").run();
    db.pragma('foreign_keys = ON');
    expect(() => migrate(db)).toThrow(DatabaseUpgradeError);
    expect(() => migrate(db)).toThrow(/^upgrading the database to schema 8 \(fact_checks\) failed, so it stays at schema 7: .*would break 1 foreign key/);
    expect(schemaVersion(db)).toBe(7);
    expect(factsSql(db)).toContain("value_type IN ('string'");
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('leaves no rebuilt table behind in the WAL file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-m8-wal-'));
    try {
      const path = join(dir, 'node.db');
      const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 7) });
      old.raw.pragma('wal_autocheckpoint = 0');
      old.raw.transaction(() => { for (let i = 0; i < 2000; i++) insert(old.raw, `f${i}`); })();
      old.raw.close();
      const db = openDatabase(path, { migrations: MIGRATIONS.slice(0, 8) });
      expect(schemaVersion(db.raw)).toBe(8);
      expect(statSync(`${path}-wal`).size).toBe(0);
      expect(db.raw.prepare('SELECT COUNT(*) FROM facts').pluck().get()).toBe(2000);
      db.raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('announces each upgrade of an existing database file, and nothing when it creates one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-m8-'));
    try {
      const path = join(dir, 'node.db');
      const seen: string[] = [];
      openDatabase(path, { migrations: MIGRATIONS.slice(0, 7), onUpgrade: (m) => seen.push(`${m.version}`) }).raw.close();
      expect(seen).toEqual([]);
      openDatabase(path, { onUpgrade: (m) => seen.push(`${m.version} ${m.name}`) }).raw.close();
      expect(seen).toEqual(['8 fact_checks', '9 peer_signed_pages']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
