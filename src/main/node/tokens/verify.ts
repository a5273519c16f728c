// Token verification on any node that holds the issuer's manifest: structure, issuer manifest, signature (current key,
// then retired keys inside the 90-day dual-trust window), revocation, expiry. The subject need not be in `entities`.
import { fromBase64Url } from '../crypto/base64url.js';
import { verifySignature } from '../crypto/ed25519.js';
import type { ReadDb } from '../db/sql.js';
import { manifestCovering, type StoredManifest } from '../manifests/store.js';
import type { Clock } from '../clock.js';
import { parseToken, tokenSigningBytes, type SignedToken, type TokenFailure } from './format.js';
import { manifestKeys } from './manifestKeys.js';
import { revocationFor } from './store.js';

export interface VerifiedToken {
  token: SignedToken;
  expiryMs: number;
  manifest: StoredManifest;
  /** Which key verified it: the manifest's current key or a retired one. */
  keyKind: 'current' | 'previous';
}

export type TokenVerdict = { valid: true; verified: VerifiedToken } | { valid: false; reason: TokenFailure; detail: string; token: SignedToken | null };

export interface VerifyDeps {
  db: ReadDb;
  clock: Clock;
}

/** Verify a token given as JSON text or as an embedded object. Never throws for any input. */
export function verifyCapabilityToken(deps: VerifyDeps, input: unknown): TokenVerdict {
  const parsed = parseToken(input);
  if (!parsed.ok) return { valid: false, reason: parsed.reason, detail: parsed.detail, token: null };
  const { token, expiryMs } = parsed;
  const nowMs = deps.clock.nowMs();
  const manifest = manifestCovering(deps.db, token.issuer, nowMs);
  if (!manifest) return { valid: false, reason: 'unknown_issuer', detail: `no unexpired manifest for issuer ${token.issuer} is held here`, token };
  const signature = fromBase64Url(token.signature);
  if (!signature || signature.length !== 64) return { valid: false, reason: 'bad_signature', detail: 'token signature is not a base64url 64-byte Ed25519 signature', token };
  const body = tokenSigningBytes(token);
  const key = manifestKeys(manifest, nowMs).find((k) => verifySignature(k.publicKey, body, signature));
  if (!key) return { valid: false, reason: 'bad_signature', detail: 'token signature verification failed', token };
  const revocation = revocationFor(deps.db, token.token_id, token.issuer, manifest.entity_uri);
  if (revocation) return { valid: false, reason: 'revoked', detail: `token ${token.token_id} has been revoked`, token };
  if (expiryMs <= nowMs) return { valid: false, reason: 'expired', detail: `token expired at ${token.expiry}`, token };
  return { valid: true, verified: { token, expiryMs, manifest, keyKind: key.kind } };
}
