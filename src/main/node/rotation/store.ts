// Recorded rotations of this node's identity key: the retired keys still trusted, and the chain later manifests carry.
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';
import { canonicalJcs } from '../json/canonical.js';
import type { RotationEventDocument } from '../manifests/signing.js';

import { MIN_DUAL_TRUST_DAYS } from '../../../shared/identity.js';

// The shortest dual-trust window is the longest a capability token may live (REFERENCE-NODE.md §9.1, §9.3).
export { MAX_DUAL_TRUST_DAYS, MIN_DUAL_TRUST_DAYS } from '../../../shared/identity.js';
export const DEFAULT_DUAL_TRUST_DAYS = MIN_DUAL_TRUST_DAYS;
export const DAY_MS = 86_400_000;

export interface KeyRotationRow {
  seq: number;
  old_key_id: string;
  old_public_key: string;
  new_key_id: string;
  new_public_key: string;
  rotated_at: string;
  rotated_at_ms: number;
  dual_trust_expires_at: string;
  dual_trust_expires_at_ms: number;
  event: string;
}

export type NewKeyRotation = Omit<KeyRotationRow, 'seq' | 'event'> & { event: RotationEventDocument };

export function insertKeyRotation(db: WriteDb, r: NewKeyRotation): number {
  const res = db.run(sql`INSERT INTO key_rotations
    (old_key_id, old_public_key, new_key_id, new_public_key, rotated_at, rotated_at_ms, dual_trust_expires_at, dual_trust_expires_at_ms, event)
    VALUES (${r.old_key_id}, ${r.old_public_key}, ${r.new_key_id}, ${r.new_public_key}, ${r.rotated_at}, ${r.rotated_at_ms},
      ${r.dual_trust_expires_at}, ${r.dual_trust_expires_at_ms}, ${canonicalJcs(r.event)})`);
  return Number(res.lastInsertRowid);
}

export function keyRotations(db: ReadDb): KeyRotationRow[] {
  return db.all<KeyRotationRow>(sql`SELECT * FROM key_rotations ORDER BY seq`);
}

/** A retired key of this node that verifiers should still accept. */
export interface TrustedPreviousKey {
  /** Unpadded base64url of the raw public key. */
  publicKey: string;
  /** The key id the manifests named it by. */
  keyId: string;
  rotatedAt: string;
  rotatedAtMs: number;
  trustedUntil: string;
  trustedUntilMs: number;
}

/** This node's retired keys whose dual-trust window is open at `nowMs`, most recently retired first. */
export function previousKeysTrustedAt(db: ReadDb, nowMs: number): TrustedPreviousKey[] {
  return db
    .all<KeyRotationRow>(sql`SELECT * FROM key_rotations WHERE dual_trust_expires_at_ms > ${nowMs} AND rotated_at_ms <= ${nowMs} ORDER BY seq DESC`)
    .map((r) => ({
      publicKey: r.old_public_key,
      keyId: r.old_key_id,
      rotatedAt: r.rotated_at,
      rotatedAtMs: r.rotated_at_ms,
      trustedUntil: r.dual_trust_expires_at,
      trustedUntilMs: r.dual_trust_expires_at_ms,
    }));
}

/** The rotation that retired `publicKey` on this node, if one did. */
export function retirementOf(db: ReadDb, publicKey: string): KeyRotationRow | null {
  return db.get<KeyRotationRow>(sql`SELECT * FROM key_rotations WHERE old_public_key = ${publicKey} ORDER BY seq DESC LIMIT 1`) ?? null;
}

/**
 * The recorded rotation events that chain unbroken to `currentPublicKey`, oldest first; none when the current key does
 * not descend from them (a different key restored over the rotated one).
 */
export function rotationChainTo(db: ReadDb, currentPublicKey: string): RotationEventDocument[] {
  const rows = keyRotations(db);
  const chain: KeyRotationRow[] = [];
  let expected = currentPublicKey;
  for (let i = rows.length - 1; i >= 0 && rows[i]!.new_public_key === expected; i--) {
    chain.unshift(rows[i]!);
    expected = rows[i]!.old_public_key;
  }
  return chain.map((r) => JSON.parse(r.event) as RotationEventDocument);
}
