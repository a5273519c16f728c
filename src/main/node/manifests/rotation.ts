// Rotation-chain rules for replacing a stored manifest (REFERENCE-NODE.md §4.4), with the reference's reasons.
import { fromBase64Url, normaliseKey } from '../crypto/base64url.js';
import { verifyB64 } from '../crypto/ed25519.js';
import { canonicalJcsBytes } from '../json/canonical.js';
import type { ManifestInput, RotationEventInput } from './input.js';
import { pyStrRepr as r } from './pyrepr.js';

/** What a rotation event's signature covers: four fields, signed by the previous key. */
export function rotationEventSigningBody(e: Pick<RotationEventInput, 'new_key_id' | 'new_public_key' | 'previous_key_id' | 'rotated_at'>): Buffer {
  return canonicalJcsBytes({ new_key_id: e.new_key_id, new_public_key: e.new_public_key, previous_key_id: e.previous_key_id, rotated_at: e.rotated_at });
}

/** Keys compare by their bytes, whatever base64 spelling carried them. */
const sameKey = (a: string, b: string): boolean => (normaliseKey(a) ?? a) === (normaliseKey(b) ?? b);

/** Null when `m` may replace a stored manifest holding (previousKeyId, previousPublicKey); else why not. */
export function rotationChainError(m: ManifestInput, previousKeyId: string, previousPublicKey: string): string | null {
  const events = m.rotation_events;
  if (events.length === 0) {
    if (m.key_id !== previousKeyId) {
      return `no rotation events but manifest.key_id ${r(m.key_id)} differs from previous_key_id ${r(previousKeyId)}`;
    }
    return null;
  }
  const start = events.findIndex((e) => e.previous_key_id === previousKeyId);
  if (start < 0) {
    if (m.key_id === previousKeyId) return null;
    return `rotation chain does not connect previous_key_id ${r(previousKeyId)} to manifest.key_id ${r(m.key_id)}`;
  }
  const seen = new Set<string>([previousKeyId]);
  let currentKeyId = previousKeyId;
  let currentKey = previousPublicKey;
  for (let i = start; i < events.length; i++) {
    const e = events[i]!;
    if (e.previous_key_id !== currentKeyId) {
      return `rotation event ${i}: expected previous_key_id=${r(currentKeyId)}, got ${r(e.previous_key_id)} (chain gap)`;
    }
    if (seen.has(e.new_key_id)) {
      return `rotation event ${i}: key_id ${r(e.new_key_id)} already appears in the chain (regression or cycle attack)`;
    }
    const key = fromBase64Url(currentKey);
    if (!key || key.length !== 32) return `rotation event ${i}: verification error: the signing public key is not a 32-byte Ed25519 key`;
    if (!verifyB64(currentKey, rotationEventSigningBody(e), e.signature)) {
      return `rotation event ${i}: signature invalid (signed with key ${r(currentKeyId)})`;
    }
    seen.add(e.new_key_id);
    currentKeyId = e.new_key_id;
    currentKey = e.new_public_key;
  }
  if (currentKeyId !== m.key_id) return `rotation chain terminates at ${r(currentKeyId)} but manifest.key_id is ${r(m.key_id)}`;
  if (!sameKey(currentKey, m.public_key)) return 'rotation chain terminal public_key does not match manifest.public_key';
  return null;
}

/** Null when `m` may replace the stored manifest; the reference checks the chain only when key_id changes. */
export function manifestUpdateError(m: ManifestInput, stored: { key_id: string; public_key: string }): string | null {
  if (m.key_id === stored.key_id) {
    // A new key under an old key_id would bypass the chain entirely, so the key itself must be unchanged too.
    return sameKey(m.public_key, stored.public_key) ? null : `key_id ${r(m.key_id)} is unchanged but public_key differs from the stored manifest`;
  }
  return rotationChainError(m, stored.key_id, stored.public_key);
}
