// One test per later migration: applied on top of the previous version on :memory:, it creates what it promises.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../src/main/node/db/connection.js';
import { MIGRATIONS } from '../../../src/main/node/db/migrations/index.js';

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
