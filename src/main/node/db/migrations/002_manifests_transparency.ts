// 002: the transparency log (an append-only RFC 6962 Merkle tree) and the published org manifests.
import type { Migration } from './index.js';

const appendOnly = (table: string, what: string): string => `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${what} is append-only'); END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${what} is append-only'); END;`;

export const m002ManifestsTransparency: Migration = {
  version: 2,
  name: 'manifests_transparency',
  up(db) {
    db.exec(`
      CREATE TABLE tl_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- One row per leaf; entry holds the exact canonical bytes that were hashed.
      CREATE TABLE tl_leaves (
        log_index       INTEGER PRIMARY KEY CHECK (log_index >= 0),
        kind            TEXT NOT NULL CHECK (kind IN ('manifest','key_rotation','token_revocation')),
        leaf_hash       BLOB NOT NULL CHECK (length(leaf_hash) = 32),
        entry           BLOB NOT NULL,
        integrated_time INTEGER NOT NULL
      ) STRICT;

      -- Every complete subtree above the leaves (level ≥ 1), written once when its last leaf arrives.
      CREATE TABLE tl_nodes (
        level      INTEGER NOT NULL CHECK (level >= 1),
        node_index INTEGER NOT NULL CHECK (node_index >= 0),
        hash       BLOB NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, node_index)
      ) STRICT, WITHOUT ROWID;
      ${appendOnly('tl_leaves', 'the transparency log')}
      ${appendOnly('tl_nodes', 'the transparency log')}

      -- Every published version is kept; the current manifest of an entity_uri is its highest seq.
      CREATE TABLE federation_manifests (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        entity_uri       TEXT NOT NULL,
        key_id           TEXT NOT NULL,
        public_key       TEXT NOT NULL,
        issued_at        TEXT NOT NULL,
        expires_at       TEXT NOT NULL,
        expires_at_ms    INTEGER NOT NULL,
        manifest_version INTEGER,
        document         TEXT NOT NULL,
        log_index        INTEGER NOT NULL UNIQUE REFERENCES tl_leaves(log_index),
        published_at     TEXT NOT NULL,
        published_by     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX federation_manifests_entity ON federation_manifests(entity_uri, seq);
      CREATE INDEX federation_manifests_public_key ON federation_manifests(public_key, seq);

      CREATE TABLE federation_manifest_entities (
        entity       TEXT NOT NULL,
        manifest_seq INTEGER NOT NULL REFERENCES federation_manifests(seq),
        PRIMARY KEY (entity, manifest_seq)
      ) STRICT, WITHOUT ROWID;
      ${appendOnly('federation_manifests', 'manifest history')}
      ${appendOnly('federation_manifest_entities', 'manifest history')}
    `);
  },
};
