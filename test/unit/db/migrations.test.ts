import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseVersionError, migrate, openDatabase, schemaVersion } from '../../../src/main/node/db/connection.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src/main/node/db/migrations/index.js';
import { sql } from '../../../src/main/node/db/sql.js';

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('migrations', () => {
  it('are numbered 1..N with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('001 creates the initial tables on :memory:', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(expect.arrayContaining(['api_keys', 'audit_events', 'conflicts', 'facts', 'garden_members', 'gardens', 'node_meta']));
  });

  it('001 enforces the scope and value-type constraints', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    const insert = (scope: string, type: string) =>
      db.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
        VALUES (?, ?, 'e', 'r', ?, 'v', 's', 't', 'h', 1.0, ?)`).run(`id-${scope}-${type}`, `cid-${scope}-${type}`, type, scope);
    expect(() => insert('universe', 'string')).toThrow(/CHECK/);
    expect(() => insert('local', 'bytes')).toThrow(/CHECK/);
    expect(() => insert('local', 'string')).not.toThrow();
  });

  it('the full chain is idempotent', () => {
    const db = new Database(':memory:');
    migrate(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuses a database written by a newer version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-mig-'));
    const path = join(dir, 'n.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(path)).toThrow(/newer than this build supports/);
  });

  it('opens a file in WAL mode, owner-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-mig-'));
    const path = join(dir, 'n.db');
    const db = openDatabase(path);
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    db.run(sql`INSERT INTO node_meta (key, value) VALUES (${'k'}, ${"it's ; DROP TABLE facts; --"})`);
    expect(db.get<{ value: string }>(sql`SELECT value FROM node_meta WHERE key = ${'k'}`)?.value).toBe("it's ; DROP TABLE facts; --");
    db.raw.close();
  });
});
