// 005: capability tokens, their revocations, and fact attestations.
import type { Migration } from './index.js';

const appendOnly = (table: string, what: string): string => `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${what} is append-only'); END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${what} is append-only'); END;`;

export const m005TokensProvenance: Migration = {
  version: 5,
  name: 'tokens_provenance',
  up(db) {
    db.exec(`
      -- Tokens this node issued (signed by its org key); token_json is the exact compact JSON handed out.
      CREATE TABLE capability_tokens (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        token_id   TEXT NOT NULL UNIQUE,
        issuer     TEXT NOT NULL,
        subject    TEXT NOT NULL,
        verb       TEXT NOT NULL,
        object     TEXT NOT NULL,
        issued_at  TEXT NOT NULL,
        expiry     TEXT NOT NULL,
        expiry_ms  INTEGER NOT NULL,
        nonce      TEXT NOT NULL UNIQUE CHECK (length(nonce) = 64 AND nonce NOT GLOB '*[^0-9a-f]*'),
        token_json TEXT NOT NULL,
        issued_by  TEXT NOT NULL
      ) STRICT;
      ${appendOnly('capability_tokens', 'issued capability tokens')}

      -- Every revocation this node knows: its own (origin 'local', logged in its transparency log) and those pulled
      -- from issuers whose manifests it holds (origin 'peer', verified with that manifest's key before storing).
      CREATE TABLE capability_revocations (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        token_id      TEXT NOT NULL,
        issuer_entity TEXT NOT NULL,
        revoked_by    TEXT NOT NULL,
        revoked_at    TEXT NOT NULL,
        reason        TEXT NOT NULL,
        signature     TEXT NOT NULL,
        log_index     INTEGER,
        origin        TEXT NOT NULL CHECK (origin IN ('local','peer')),
        received_from TEXT,
        received_at   TEXT NOT NULL,
        UNIQUE (issuer_entity, token_id)
      ) STRICT;
      CREATE INDEX capability_revocations_token ON capability_revocations(token_id);
      CREATE INDEX capability_revocations_local ON capability_revocations(origin, log_index);
      ${appendOnly('capability_revocations', 'capability revocations')}

      -- How far this node has read each issuer's published revocations.
      CREATE TABLE revocation_pull_state (
        issuer_entity TEXT NOT NULL,
        source_url    TEXT NOT NULL,
        next_since    INTEGER NOT NULL CHECK (next_since >= 0),
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (issuer_entity, source_url)
      ) STRICT;

      -- Per fact written through POST /v1/facts: the signed body, the writer's attestation, this node's receipt and
      -- the capability token it came under.
      CREATE TABLE fact_provenance (
        fact_id            TEXT PRIMARY KEY REFERENCES facts(id),
        signed_body        TEXT NOT NULL,
        attestation_chain  TEXT NOT NULL,
        writer_form        TEXT CHECK (writer_form IN ('manifest','key_id')),
        writer_signer      TEXT,
        writer_key_id      TEXT,
        writer_signature   TEXT,
        receipt_signer     TEXT NOT NULL,
        receipt_key_id     TEXT NOT NULL,
        receipt_public_key TEXT NOT NULL,
        receipt_signature  TEXT NOT NULL,
        received_via       TEXT NOT NULL CHECK (received_via IN ('api_key','token','anonymous')),
        token_id           TEXT,
        token_json         TEXT,
        recorded_at        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX fact_provenance_token ON fact_provenance(token_id) WHERE token_id IS NOT NULL;
      ${appendOnly('fact_provenance', 'fact provenance')}
    `);
  },
};
