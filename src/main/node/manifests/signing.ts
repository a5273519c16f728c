// The manifest's signed bytes (REFERENCE-NODE.md §3.2): exactly seven fields in canonical JCS, Ed25519 by `public_key`.
import { fromBase64Url } from '../crypto/base64url.js';
import { verifyB64 } from '../crypto/ed25519.js';
import type { Signer } from '../identity/signer.js';
import { canonicalJcsBytes } from '../json/canonical.js';
import type { ManifestInput, RotationEventInput } from './input.js';

/** A rotation event as it is signed inside the manifest: with its signature, previous_public_key only when non-empty. */
export type RotationEventDocument = Omit<RotationEventInput, 'previous_public_key'> & { previous_public_key?: string };

export function rotationEventDocument(e: RotationEventInput): RotationEventDocument {
  const d: RotationEventDocument = {
    new_key_id: e.new_key_id,
    new_public_key: e.new_public_key,
    previous_key_id: e.previous_key_id,
    rotated_at: e.rotated_at,
    signature: e.signature,
  };
  if (e.previous_public_key) d.previous_public_key = e.previous_public_key;
  return d;
}

type SignedFields = Omit<ManifestInput, 'signature' | 'manifest_version'>;

/** The seven signed fields in the reference's (sorted) order; `manifest_version` and `signature` are never part of them. */
function signedFields(m: SignedFields): Omit<ManifestDocument, 'signature'> {
  return {
    entities: m.entities,
    entity_uri: m.entity_uri,
    expires_at: m.expires_at,
    issued_at: m.issued_at,
    key_id: m.key_id,
    public_key: m.public_key,
    rotation_events: m.rotation_events.map(rotationEventDocument),
  };
}

export function manifestSigningBody(m: SignedFields): Buffer {
  return canonicalJcsBytes(signedFields(m));
}

/** The published document: the signed fields plus the signature, in the reference's (sorted) order. */
export interface ManifestDocument {
  entities: string[];
  entity_uri: string;
  expires_at: string;
  issued_at: string;
  key_id: string;
  public_key: string;
  rotation_events: RotationEventDocument[];
  signature: string;
}

export function manifestDocument(m: SignedFields, signature: string): ManifestDocument {
  return { ...signedFields(m), signature };
}

export function signManifest(m: SignedFields, signer: Signer): string {
  return signer.signB64(manifestSigningBody(m));
}

/** Null when the self-signature holds, else the reference's failure text. */
export function manifestSignatureError(m: ManifestInput): string | null {
  const key = fromBase64Url(m.public_key);
  if (!key || key.length !== 32) return 'self-signature error: public_key is not a base64url 32-byte Ed25519 public key';
  return verifyB64(m.public_key, manifestSigningBody(m), m.signature) ? null : 'self-signature verification failed';
}
