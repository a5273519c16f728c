// Migration 004 on :memory: — its tables and indexes, the built-in quarantine garden, and append-only decisions.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/node/db/connection.js';
import { MIGRATIONS } from '../../../src/main/node/db/migrations/index.js';

const upTo = (version: number) => MIGRATIONS.filter((m) => m.version <= version);
const names = (db: Database.Database, type: string): string[] =>
  (db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as { name: string }[]).map((r) => r.name);

describe('migration 004', () => {
  it('creates the trust and quarantine tables and indexes', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(4));
    expect(names(db, 'table')).toEqual(expect.arrayContaining(['node_settings', 'trust_overrides', 'trust_sources_seen', 'quarantine_decisions']));
    expect(names(db, 'index')).toEqual(expect.arrayContaining(['facts_quarantine_garden', 'facts_quarantined_seq', 'quarantine_decisions_garden']));
  });

  it('creates the built-in quarantine garden and records it', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(4));
    const garden = db.prepare("SELECT * FROM gardens WHERE slug = 'quarantine'").get() as { id: string; quarantine: number; created_by: string };
    expect(garden).toMatchObject({ quarantine: 1, created_by: 'system:stigmem' });
    expect(db.prepare("SELECT value FROM node_settings WHERE key = 'builtin_quarantine_garden_id'").get()).toEqual({ value: garden.id });
  });

  it('leaves an operator\'s own garden named quarantine alone', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(3));
    db.prepare("INSERT INTO gardens (id, slug, name, scope, created_by, created_at) VALUES ('mine', 'quarantine', 'Mine', 'team', 'x', 't')").run();
    migrate(db, upTo(4));
    const builtinId = (db.prepare("SELECT value FROM node_settings WHERE key = 'builtin_quarantine_garden_id'").get() as { value: string }).value;
    expect(builtinId).not.toBe('mine');
    expect(db.prepare('SELECT slug, quarantine FROM gardens WHERE id = ?').get(builtinId)).toMatchObject({ slug: expect.stringMatching(/^quarantine-[0-9a-f]{8}$/), quarantine: 1 });
    expect(db.prepare("SELECT quarantine FROM gardens WHERE id = 'mine'").get()).toEqual({ quarantine: 0 });
  });

  it('keeps one decision per fact and never changes or removes one', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(4));
    const qg = (db.prepare("SELECT id FROM gardens WHERE slug = 'quarantine'").get() as { id: string }).id;
    db.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope, quarantine_garden_id)
      VALUES ('f1', 'c1', 'e', 'r:x', 'string', 'v', 's', 't', 'h', 0.5, 'company', ?)`).run(qg);
    const decide = (action: string) => db.prepare(`INSERT INTO quarantine_decisions (fact_id, quarantine_garden_id, action, reason, acted_by, acted_at)
      VALUES ('f1', ?, ?, 'r', 'x', 't')`).run(qg, action);
    decide('promoted');
    expect(() => decide('rejected')).toThrow(/UNIQUE/);
    expect(() => decide('maybe')).toThrow(/CHECK|UNIQUE/);
    expect(() => db.prepare("UPDATE quarantine_decisions SET action = 'rejected'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM quarantine_decisions').run()).toThrow(/append-only/);
  });
});
