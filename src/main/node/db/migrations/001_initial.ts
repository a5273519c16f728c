// 001: node metadata, facts, conflicts, gardens and membership, API keys, the audit trail.
import type { Migration } from './index.js';

export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE node_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE gardens (
        id          TEXT PRIMARY KEY,
        slug        TEXT NOT NULL,
        name        TEXT NOT NULL,
        scope       TEXT NOT NULL CHECK (scope IN ('local','team','company','public')),
        description TEXT,
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        quarantine  INTEGER NOT NULL DEFAULT 0 CHECK (quarantine IN (0,1)),
        deleted_at  TEXT
      ) STRICT;
      -- A deleted garden keeps its row (its facts still name it) and frees its slug.
      CREATE UNIQUE INDEX gardens_live_slug ON gardens(slug) WHERE deleted_at IS NULL;

      CREATE TABLE garden_members (
        garden_id  TEXT NOT NULL REFERENCES gardens(id),
        entity_uri TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('admin','writer','reader','quarantine:moderator')),
        added_by   TEXT NOT NULL,
        added_at   TEXT NOT NULL,
        PRIMARY KEY (garden_id, entity_uri)
      ) STRICT;
      CREATE INDEX garden_members_entity ON garden_members(entity_uri);

      CREATE TABLE facts (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        id             TEXT NOT NULL UNIQUE,
        cid            TEXT NOT NULL,
        entity         TEXT NOT NULL,
        relation       TEXT NOT NULL,
        value_type     TEXT NOT NULL CHECK (value_type IN ('string','text','number','boolean','datetime','ref','null')),
        value_v        TEXT NOT NULL,
        interpret_as   TEXT NOT NULL DEFAULT 'content' CHECK (interpret_as IN ('content','instruction')),
        source         TEXT NOT NULL,
        timestamp      TEXT NOT NULL,
        hlc            TEXT NOT NULL,
        confidence     REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        scope          TEXT NOT NULL CHECK (scope IN ('local','team','company','public')),
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
      CREATE UNIQUE INDEX facts_cid ON facts(cid);
      CREATE INDEX facts_triple ON facts(entity, relation, scope);
      CREATE INDEX facts_relation ON facts(relation);
      CREATE INDEX facts_source ON facts(source);
      CREATE INDEX facts_scope_seq ON facts(scope, seq);
      CREATE INDEX facts_hlc ON facts(hlc);
      CREATE INDEX facts_garden ON facts(garden_id) WHERE garden_id IS NOT NULL;

      CREATE TABLE conflicts (
        id                 TEXT PRIMARY KEY,
        seq                INTEGER NOT NULL UNIQUE,
        fact_a             TEXT NOT NULL REFERENCES facts(id),
        fact_b             TEXT NOT NULL REFERENCES facts(id),
        status             TEXT NOT NULL CHECK (status IN ('unresolved','resolved')),
        detected_at        TEXT NOT NULL,
        resolved_by        TEXT,
        resolved_at        TEXT,
        winning_fact_id    TEXT,
        resolution_fact_id TEXT,
        resolution_note    TEXT,
        UNIQUE (fact_a, fact_b)
      ) STRICT;
      CREATE INDEX conflicts_fact_a ON conflicts(fact_a);
      CREATE INDEX conflicts_fact_b ON conflicts(fact_b);
      CREATE INDEX conflicts_status ON conflicts(status, seq);

      CREATE TABLE api_keys (
        id          TEXT PRIMARY KEY,
        key_hash    TEXT NOT NULL UNIQUE,
        entity_uri  TEXT NOT NULL,
        permissions TEXT NOT NULL,
        description TEXT,
        created_at  TEXT NOT NULL,
        expires_at  TEXT,
        revoked_at  TEXT,
        is_bootstrap INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE audit_events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        id         TEXT NOT NULL UNIQUE,
        ts         TEXT NOT NULL,
        category   TEXT NOT NULL,
        event_type TEXT NOT NULL,
        actor      TEXT,
        peer_id    TEXT,
        subject    TEXT,
        detail     TEXT
      ) STRICT;
      CREATE INDEX audit_events_category ON audit_events(category, seq);
      CREATE INDEX audit_events_type ON audit_events(event_type, seq);
    `);
  },
};
