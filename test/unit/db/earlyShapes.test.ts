// Files the first builds wrote, rebuilt here as those builds wrote them: schema 1 before facts.valid_until_ms, and
// schemas 5 and 6 from builds whose migrations 004 and 005 were still empty. Each upgrades to the latest schema with
// its rows kept and the tables the node needs present, as does such a file an earlier upgrade already took to 7 or 9.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseUpgradeError, migrate, schemaVersion } from '../../../src/main/node/db/connection.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../../src/main/node/db/migrations/index.js';
import { RESERVED_004_005 } from '../../helpers/oldDatabase.js';

const empty = (m: Migration): Migration => ({ version: m.version, name: m.name, up() {} });

const tables = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]);
const objects = (db: Database.Database): string[] =>
  (db.prepare("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1").pluck().all() as string[]);
const columns = (db: Database.Database, table: string): string[] => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

function latest(): Database.Database {
  const db = new Database(':memory:');
  migrate(db);
  return db;
}

/** Schema 1 as the first build created it: the facts table had no valid_until_ms. */
function firstBuildSchema1(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, MIGRATIONS.slice(0, 1));
  db.exec('ALTER TABLE facts DROP COLUMN valid_until_ms');
  db.prepare("INSERT INTO node_meta (key, value) VALUES ('node_id', 'stigmem:node:0123456789abcdef0123456789abcdef')").run();
  db.prepare(`INSERT INTO api_keys (id, key_hash, entity_uri, permissions, created_at)
    VALUES ('k1', 'h', 'stigmem://org-a.example/agent/a', '["read","write"]', '2026-11-23T16:50:00+00:00')`).run();
  db.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope, valid_until)
    VALUES ('f1', ?, 'stigmem://org-a.example/e', 'memory:role', 'string', 'v', 'stigmem://org-a.example/agent/a', 't', '1790000000000.000', 0.9, 'public', '2099-01-01T02:00:00+02:00')`)
    .run(`sha256:${'1'.repeat(64)}`);
  return db;
}

/** A file at `version` written by a build whose 004 and 005 were empty, holding a fact, a peer and a garden. */
function reservedBuild(version: 5 | 6): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, RESERVED_004_005.slice(0, version));
  db.prepare("INSERT INTO gardens (id, slug, name, scope, created_by, created_at) VALUES ('g1', 'atlas', 'Atlas', 'team', 'x', 't')").run();
  db.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope, valid_until, valid_until_ms)
    VALUES ('f1', ?, 'stigmem://org-a.example/e', 'memory:role', 'string', 'v', 'stigmem://org-a.example/agent/a', 't', '1790000000000.000', 0.9, 'public', NULL, NULL)`)
    .run(`sha256:${'2'.repeat(64)}`);
  db.prepare(`INSERT INTO peers (id, node_url, trusted_public_key, status, registration, allowed_scopes, created_at, cursor)
    VALUES ('p1', 'http://peer.example', 'k', 'active', 'pinned', '["public"]', 't', 'c-17')`).run();
  return db;
}

describe('a schema-1 file from the first build (no facts.valid_until_ms)', () => {
  it('upgrades to the latest schema with the column filled from valid_until, and every row kept', () => {
    const db = firstBuildSchema1();
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(columns(db, 'facts')).toEqual(columns(latest(), 'facts'));
    expect(db.prepare("SELECT valid_until, valid_until_ms FROM facts WHERE id = 'f1'").get()).toEqual({ valid_until: '2099-01-01T02:00:00+02:00', valid_until_ms: Date.UTC(2099, 0, 1) });
    expect(db.prepare('SELECT id FROM api_keys').pluck().all()).toEqual(['k1']);
    expect(db.prepare("SELECT value FROM node_meta WHERE key = 'node_id'").pluck().get()).toBe('stigmem:node:0123456789abcdef0123456789abcdef');
    expect(objects(db)).toEqual(objects(latest()));
  });

  it('upgrades once an earlier attempt stopped it at schema 7', () => {
    const db = firstBuildSchema1();
    // What a build without this completion did: 002 to 007 ran, 008 found no valid_until_ms to copy.
    expect(() => migrate(db, [empty(MIGRATIONS[0]!), ...MIGRATIONS.slice(1)])).toThrow(DatabaseUpgradeError);
    expect(schemaVersion(db)).toBe(7);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT COUNT(*) FROM facts').pluck().get()).toBe(1);
    expect(objects(db)).toEqual(objects(latest()));
  });
});

describe.each([5, 6] as const)('a schema-%i file from a build whose 004 and 005 were empty', (version) => {
  it('gains the trust, quarantine, token and provenance tables and the built-in quarantine garden, keeping its rows', () => {
    const db = reservedBuild(version);
    expect(tables(db)).not.toContain('node_settings');
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(objects(db)).toEqual(objects(latest()));
    const builtin = db.prepare("SELECT value FROM node_settings WHERE key = 'builtin_quarantine_garden_id'").pluck().get() as string;
    expect(db.prepare('SELECT slug, quarantine FROM gardens WHERE id = ?').get(builtin)).toEqual({ slug: 'quarantine', quarantine: 1 });
    expect(db.prepare('SELECT id FROM facts').pluck().all()).toEqual(['f1']);
    expect(db.prepare('SELECT id, cursor, signs_pages FROM peers').all()).toEqual([{ id: 'p1', cursor: 'c-17', signs_pages: 0 }]);
    expect(db.prepare("SELECT slug FROM gardens WHERE id = 'g1'").pluck().get()).toBe('atlas');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('is completed as well when an earlier upgrade already took it to the latest schema without them', () => {
    const db = reservedBuild(version);
    migrate(db, RESERVED_004_005);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(db)).not.toContain('capability_tokens');
    migrate(db);
    expect(objects(db)).toEqual(objects(latest()));
    expect(db.prepare('SELECT COUNT(*) FROM facts').pluck().get()).toBe(1);
  });
});

describe('a file written by the migrations as they stand', () => {
  it('is left exactly as it is', () => {
    const db = latest();
    const before = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    const gardens = db.prepare('SELECT * FROM gardens').all();
    migrate(db);
    expect(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(before);
    expect(db.prepare('SELECT * FROM gardens').all()).toEqual(gardens);
  });
});
