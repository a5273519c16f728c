// 006: rotations of the node's own identity key, each with the window in which the retired key is still trusted.
import type { Migration } from './index.js';

export const m006Rotation: Migration = {
  version: 6,
  name: 'rotation',
  up(db) {
    db.exec(`
      -- One row per rotation. old_key_id is the id the manifests named (the chain's), event the signed rotation event
      -- exactly as manifests carry it (canonical JCS), so later manifests signed here can repeat the whole chain.
      CREATE TABLE key_rotations (
        seq                      INTEGER PRIMARY KEY AUTOINCREMENT,
        old_key_id               TEXT NOT NULL,
        old_public_key           TEXT NOT NULL,
        new_key_id               TEXT NOT NULL UNIQUE,
        new_public_key           TEXT NOT NULL UNIQUE,
        rotated_at               TEXT NOT NULL,
        rotated_at_ms            INTEGER NOT NULL,
        dual_trust_expires_at    TEXT NOT NULL,
        dual_trust_expires_at_ms INTEGER NOT NULL CHECK (dual_trust_expires_at_ms > rotated_at_ms),
        event                    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX key_rotations_trust ON key_rotations(dual_trust_expires_at_ms);
      CREATE TRIGGER key_rotations_no_update BEFORE UPDATE ON key_rotations BEGIN SELECT RAISE(ABORT, 'key rotations are append-only'); END;
      CREATE TRIGGER key_rotations_no_delete BEFORE DELETE ON key_rotations BEGIN SELECT RAISE(ABORT, 'key rotations are append-only'); END;
    `);
  },
};
