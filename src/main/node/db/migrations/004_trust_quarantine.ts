// 004: source-trust overrides, the sources seen at ingest, quarantine decisions, node settings and the built-in
// quarantine garden (CONTRACT.md "Trust and quarantine").
import { randomUUID } from 'node:crypto';
import { isoFromMs } from '../../clock.js';
import type { Migration } from './index.js';

export const BUILTIN_QUARANTINE_SLUG = 'quarantine';
export const BUILTIN_QUARANTINE_SETTING = 'builtin_quarantine_garden_id';
export const SYSTEM_CREATOR = 'system:stigmem';

export const m004TrustQuarantine: Migration = {
  version: 4,
  name: 'trust_quarantine',
  up(db) {
    db.exec(`
      CREATE TABLE node_settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_by TEXT,
        updated_at TEXT
      ) STRICT;

      -- Operator overrides: a source URI or a prefix of whole authorities / path segments.
      CREATE TABLE trust_overrides (
        source TEXT PRIMARY KEY,
        score  REAL NOT NULL CHECK (score >= 0 AND score <= 1),
        note   TEXT,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
      ) STRICT;

      -- Sources scored at ingest, so operators can see (and tune) what recently arrived.
      CREATE TABLE trust_sources_seen (
        source       TEXT PRIMARY KEY,
        scope        TEXT NOT NULL,
        via          TEXT NOT NULL CHECK (via IN ('federation','token')),
        last_score   REAL,
        last_seen_at TEXT NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        facts_seen   INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      CREATE INDEX trust_sources_seen_recent ON trust_sources_seen(last_seen_ms);

      -- One decision per quarantined fact; facts are immutable, so the decision is what changes their standing.
      CREATE TABLE quarantine_decisions (
        seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
        fact_id              TEXT NOT NULL UNIQUE REFERENCES facts(id),
        quarantine_garden_id TEXT NOT NULL REFERENCES gardens(id),
        action               TEXT NOT NULL CHECK (action IN ('promoted','rejected')),
        target_garden_id     TEXT REFERENCES gardens(id),
        reason               TEXT NOT NULL,
        acted_by             TEXT NOT NULL,
        acted_at             TEXT NOT NULL
      ) STRICT;
      CREATE INDEX quarantine_decisions_garden ON quarantine_decisions(quarantine_garden_id, action);
      CREATE INDEX quarantine_decisions_action ON quarantine_decisions(action, quarantine_garden_id);
      CREATE INDEX quarantine_decisions_target ON quarantine_decisions(target_garden_id) WHERE target_garden_id IS NOT NULL;
      CREATE TRIGGER quarantine_decisions_no_update BEFORE UPDATE ON quarantine_decisions
        BEGIN SELECT RAISE(ABORT, 'quarantine decisions are append-only'); END;
      CREATE TRIGGER quarantine_decisions_no_delete BEFORE DELETE ON quarantine_decisions
        BEGIN SELECT RAISE(ABORT, 'quarantine decisions are append-only'); END;

      -- Listing a quarantine garden walks (garden, seq); listing every quarantine garden walks seq alone.
      CREATE INDEX facts_quarantine_garden ON facts(quarantine_garden_id, seq) WHERE quarantine_garden_id IS NOT NULL;
      CREATE INDEX facts_quarantined_seq ON facts(seq) WHERE quarantine_garden_id IS NOT NULL;
    `);
    createBuiltinQuarantineGarden(db);
  },
};

/** The quarantine garden every node has from its first start (an existing quarantine garden named `quarantine` is kept). */
function createBuiltinQuarantineGarden(db: Parameters<Migration['up']>[0]): void {
  const existing = db.prepare(`SELECT id, quarantine FROM gardens WHERE slug = ? AND deleted_at IS NULL`).get(BUILTIN_QUARANTINE_SLUG) as
    | { id: string; quarantine: number }
    | undefined;
  let id: string;
  if (existing && existing.quarantine === 1) id = existing.id;
  else {
    id = randomUUID();
    const slug = existing ? `${BUILTIN_QUARANTINE_SLUG}-${id.slice(0, 8)}` : BUILTIN_QUARANTINE_SLUG;
    db.prepare(`INSERT INTO gardens (id, slug, name, scope, description, created_by, created_at, quarantine)
      VALUES (?, ?, 'Quarantine', 'company', ?, ?, ?, 1)`)
      .run(id, slug, 'Facts from sources below the trust threshold, held until a moderator promotes or rejects them', SYSTEM_CREATOR, isoFromMs(Date.now()));
  }
  db.prepare(`INSERT INTO node_settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)`)
    .run(BUILTIN_QUARANTINE_SETTING, id, SYSTEM_CREATOR, isoFromMs(Date.now()));
}
