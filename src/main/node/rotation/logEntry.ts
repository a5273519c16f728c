// The key-rotation transparency-log entry (REFERENCE-NODE.md §3.2): seven fields signed by the retiring key.
import { verifyB64 } from '../crypto/ed25519.js';
import type { Signer } from '../identity/signer.js';
import { canonicalJcsBytes } from '../json/canonical.js';

export interface KeyRotationLogBody {
  dual_trust_expires_at: string;
  entity_uri: string;
  event_type: 'key_rotation';
  /** The log index of the manifest re-signed by the new key (an integer in the signed bytes). */
  manifest_log_index: number;
  new_key_id: string;
  old_key_id: string;
  rotated_at: string;
}

export type KeyRotationLogEntry = KeyRotationLogBody & { rotation_sig: string };

export function keyRotationSigningBody(b: KeyRotationLogBody): Buffer {
  return canonicalJcsBytes({
    dual_trust_expires_at: b.dual_trust_expires_at,
    entity_uri: b.entity_uri,
    event_type: b.event_type,
    manifest_log_index: b.manifest_log_index,
    new_key_id: b.new_key_id,
    old_key_id: b.old_key_id,
    rotated_at: b.rotated_at,
  });
}

export function signKeyRotationEntry(body: KeyRotationLogBody, retiring: Signer): KeyRotationLogEntry {
  return { ...body, rotation_sig: retiring.signB64(keyRotationSigningBody(body)) };
}

export function verifyKeyRotationEntry(entry: KeyRotationLogEntry, retiringPublicKey: string): boolean {
  return verifyB64(retiringPublicKey, keyRotationSigningBody(entry), entry.rotation_sig);
}
