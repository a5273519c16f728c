// Fetching a peer organisation's manifest, verifying it, and keeping it so its signatures verify here too.
import { isoFromMs } from '../clock.js';
import { normaliseKey } from '../crypto/base64url.js';
import { HttpError } from '../errors.js';
import { canonicalJcs } from '../json/canonical.js';
import { isJsonObject, parseManifestBody, type ManifestInput } from '../manifests/input.js';
import { manifestUpdateError } from '../manifests/rotation.js';
import { manifestDocument, manifestSignatureError } from '../manifests/signing.js';
import { insertManifest, latestManifestFor } from '../manifests/store.js';
import { uriAuthority } from '../../../shared/uri.js';
import { checkValidityWindow } from '../manifests/validity.js';
import type { NodeDeps } from '../server/deps.js';
import { appendLogEntry } from '../transparency/store.js';
import { peerRequest, peerUrl } from './http.js';

export class PeerManifestError extends Error {}

/** GET the manifest covering `entity` from the peer (its manifest route, then its well-known manifest). */
export async function fetchPeerManifest(baseUrl: string, entity: string, signal?: AbortSignal): Promise<unknown> {
  const direct = await peerRequest(peerUrl(baseUrl, `/v1/federation/manifest/${encodeURIComponent(entity)}`), { signal });
  if (direct.status === 200 && isJsonObject(direct.json)) return direct.json;
  const wellKnown = await peerRequest(peerUrl(baseUrl, '/.well-known/stigmem-manifest.json'), { signal });
  if (wellKnown.status === 200 && isJsonObject(wellKnown.json)) return wellKnown.json;
  throw new PeerManifestError(`the peer serves no manifest for ${entity} (answered ${direct.status} and ${wellKnown.status})`);
}

/** Verify a manifest document; returns it parsed, or throws PeerManifestError saying why. */
export function verifyPeerManifest(doc: unknown, entity: string, nowMs: number, deps: Pick<NodeDeps, 'config'>): VerifiedManifest {
  if (!isJsonObject(doc)) throw new PeerManifestError('manifest is not a JSON object');
  let m: ManifestInput;
  let expiresAtMs: number;
  try {
    m = parseManifestBody(doc);
    // A peer's manifest is judged by the general window; strict mode's shorter cap governs what we publish.
    expiresAtMs = checkValidityWindow(m, nowMs, deps.config.trustMode === 'strict' ? 'relaxed' : deps.config.trustMode);
  } catch (e) {
    throw new PeerManifestError(e instanceof HttpError ? String(e.detail) : 'manifest is malformed');
  }
  const sigError = manifestSignatureError(m);
  if (sigError) throw new PeerManifestError(sigError);
  // The entity's own manifest, or its organisation's (same authority) listing it: never another organisation's.
  const sameOrg = uriAuthority(m.entity_uri) !== null && uriAuthority(m.entity_uri) === uriAuthority(entity);
  if (m.entity_uri !== entity && !(sameOrg && m.entities.includes(entity))) throw new PeerManifestError(`manifest does not cover ${entity}`);
  return { manifest: m, expiresAtMs };
}

export interface VerifiedManifest {
  manifest: ManifestInput;
  expiresAtMs: number;
}

/** Keep a verified peer manifest (logged in our transparency log as a manifest we accepted); idempotent. */
export function storePeerManifest(deps: Pick<NodeDeps, 'db'>, verified: VerifiedManifest, nowMs: number, acceptedFrom: string): void {
  const { db } = deps;
  const m = verified.manifest;
  db.transaction(() => {
    const stored = latestManifestFor(db, m.entity_uri);
    const document = manifestDocument(m, m.signature);
    if (stored && stored.document === canonicalJcs(document)) return;
    const refusal = stored ? manifestUpdateError(m, stored) : null;
    if (refusal) throw new PeerManifestError(`manifest update rejected: ${refusal}`);
    const entry = appendLogEntry(db, 'manifest', document, nowMs);
    insertManifest(db, {
      entity_uri: m.entity_uri, key_id: m.key_id, public_key: normaliseKey(m.public_key)!, issued_at: m.issued_at, expires_at: m.expires_at,
      expires_at_ms: verified.expiresAtMs, manifest_version: m.manifest_version ?? null, document: canonicalJcs(document),
      log_index: entry.log_index, published_at: isoFromMs(nowMs), published_by: acceptedFrom, entities: m.entities,
    });
  });
}
