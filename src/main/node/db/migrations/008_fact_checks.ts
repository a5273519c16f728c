// 008: the facts table's CHECK constraints as comparison chains. SQLite evaluates `x IN (three or more constants)` by
// building a temporary b-tree on every INSERT, which was a quarter of a fact insert's cost; `x = a OR x = b ...` accepts
// exactly the same values. CHECKs cannot be altered in place, so the table is rebuilt (SQLite's documented 12-step
// procedure: foreign keys are off for this migration and checked before it commits); seq, ids and every row keep their
// values, and every index is recreated as migrations 001, 004 and 007 left it.
import type { Migration } from './index.js';

const oneOf = (column: string, values: readonly string[]): string => values.map((v) => `${column} = '${v}'`).join(' OR ');

const COLUMNS = `seq, id, cid, entity, relation, value_type, value_v, interpret_as, source, timestamp, hlc, confidence, scope,
  valid_until, valid_until_ms, garden_id, received_from, origin_node_id, origin_allowed_scopes, attested_key_id, attested,
  written_by, derived_from, warnings, source_trust, quarantine_garden_id, quarantine_reason`;

export const m008FactChecks: Migration = {
  version: 8,
  name: 'fact_checks',
  rebuildsTables: true,
  up(db) {
    const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'facts'").pluck().get() as number | undefined;
    db.exec(`
      CREATE TABLE facts_rebuilt (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        id             TEXT NOT NULL UNIQUE,
        cid            TEXT NOT NULL,
        entity         TEXT NOT NULL,
        relation       TEXT NOT NULL,
        value_type     TEXT NOT NULL CHECK (${oneOf('value_type', ['string', 'text', 'number', 'boolean', 'datetime', 'ref', 'null'])}),
        value_v        TEXT NOT NULL,
        interpret_as   TEXT NOT NULL DEFAULT 'content' CHECK (${oneOf('interpret_as', ['content', 'instruction'])}),
        source         TEXT NOT NULL,
        timestamp      TEXT NOT NULL,
        hlc            TEXT NOT NULL,
        confidence     REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        scope          TEXT NOT NULL CHECK (${oneOf('scope', ['local', 'team', 'company', 'public'])}),
        valid_until    TEXT,
        -- valid_until as epoch ms, so expiry compares as time whatever zone the text was written in.
        valid_until_ms INTEGER,
        garden_id      TEXT REFERENCES gardens(id),
        received_from  TEXT,
        origin_node_id TEXT,
        origin_allowed_scopes TEXT,
        attested_key_id TEXT,
        attested       INTEGER,
        written_by     TEXT,
        derived_from   TEXT NOT NULL DEFAULT '[]',
        warnings       TEXT NOT NULL DEFAULT '[]',
        source_trust   REAL,
        quarantine_garden_id TEXT REFERENCES gardens(id),
        quarantine_reason    TEXT
      ) STRICT;
      INSERT INTO facts_rebuilt (${COLUMNS}) SELECT ${COLUMNS} FROM facts ORDER BY seq;
      DROP TABLE facts;
      ALTER TABLE facts_rebuilt RENAME TO facts;
      CREATE INDEX facts_relation ON facts(relation);
      CREATE INDEX facts_source ON facts(source);
      CREATE INDEX facts_scope_seq ON facts(scope, seq);
      CREATE INDEX facts_garden ON facts(garden_id) WHERE garden_id IS NOT NULL;
      CREATE INDEX facts_quarantine_garden ON facts(quarantine_garden_id, seq) WHERE quarantine_garden_id IS NOT NULL;
      CREATE INDEX facts_quarantined_seq ON facts(seq) WHERE quarantine_garden_id IS NOT NULL;
      CREATE UNIQUE INDEX facts_triple_cid ON facts(entity, relation, scope, cid);
      CREATE INDEX facts_cid_window ON facts((seq >> 13), unhex(substr(cid, 8, 8)));
      CREATE INDEX facts_served ON facts(scope, hlc) WHERE received_from IS NULL AND quarantine_garden_id IS NULL AND garden_id IS NULL;
    `);
    // A seq is never reused, even one whose fact row is gone: keep the old high-water mark if it was above the rows'.
    if (sequence === undefined) return;
    const copied = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'facts'").pluck().get() as number | undefined;
    if (copied === undefined) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('facts', ?)").run(sequence);
    else if (sequence > copied) db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'facts'").run(sequence);
  },
};
