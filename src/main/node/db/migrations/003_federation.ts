// 003: federation peers (pins, replication state) and the single-use nonces of peer tokens.
import type { Migration } from './index.js';

export const m003Federation: Migration = {
  version: 3,
  name: 'federation',
  up(db) {
    db.exec(`
      CREATE TABLE peers (
        id                 TEXT PRIMARY KEY,
        node_id            TEXT,
        node_url           TEXT NOT NULL,
        entity_uri         TEXT,
        trusted_public_key TEXT NOT NULL,
        status             TEXT NOT NULL CHECK (status IN ('pending_verification','pending_approval','active','rejected',
                             'revoked','key_mismatch','unreachable','removed')),
        registration       TEXT NOT NULL CHECK (registration IN ('pinned','manifest','declaration')),
        allowed_scopes     TEXT NOT NULL,
        declaration        TEXT,
        created_at         TEXT NOT NULL,
        established_at     TEXT,
        removed_at         TEXT,
        last_pull          TEXT,
        last_success_at    TEXT,
        pull_lag_ms        INTEGER,
        newest_remote_wall_ms INTEGER,
        error              TEXT,
        facts_received     INTEGER NOT NULL DEFAULT 0,
        facts_rejected     INTEGER NOT NULL DEFAULT 0,
        cursor             TEXT
      ) STRICT;
      CREATE INDEX peers_node_id ON peers(node_id);
      CREATE INDEX peers_status ON peers(status);

      CREATE TABLE peer_nonces (
        nonce         TEXT PRIMARY KEY,
        peer_id       TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX peer_nonces_expiry ON peer_nonces(expires_at_ms);

      CREATE INDEX audit_events_peer ON audit_events(peer_id, seq);
    `);
  },
};
