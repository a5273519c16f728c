// PUT /v1/federation/manifest as one operation: checks in REFERENCE-NODE.md §4.1's order, then log + store in one transaction.
import { recordAudit } from '../audit/log.js';
import { normaliseKey } from '../crypto/base64url.js';
import { conflict, HttpError, unprocessable } from '../errors.js';
import type { Signer } from '../identity/signer.js';
import { isoFromMs } from '../clock.js';
import { canonicalJcs } from '../json/canonical.js';
import type { NodeDeps } from '../server/deps.js';
import { appendLogEntry, type LogEntry } from '../transparency/store.js';
import {
  checkRotationEventCount, isJsonObject, parseManifestBody, readEntityUri, SELF_SIGN, type ManifestInput,
} from './input.js';
import { RollingWindowLimiter } from './rateLimit.js';
import { manifestUpdateError } from './rotation.js';
import { manifestDocument, manifestSignatureError, signManifest } from './signing.js';
import { insertManifest, latestManifestFor } from './store.js';
import { checkValidityWindow } from './validity.js';

export const MANIFEST_PUTS_PER_WINDOW = 10;
export const MANIFEST_PUT_WINDOW_MS = 60 * 60 * 1000;
const RATE_LIMIT_DETAIL = `manifest PUT rate limit: max ${MANIFEST_PUTS_PER_WINDOW} per hour per entity_uri`;
const CANNOT_SELF_SIGN = 'cannot self-sign: this node does not hold the private key for public_key';

export interface PublishedManifest {
  entity_uri: string;
  key_id: string;
  issued_at: string;
  expires_at: string;
  signature: string;
  manifest_version?: number;
  log_entry: LogEntry;
}

type PublishDeps = Pick<NodeDeps, 'db' | 'keys' | 'config' | 'clock'>;

const limiters = new WeakMap<object, RollingWindowLimiter>();

/** One publication quota per node, whichever door (the route or the Manifest screen) a publication comes through. */
export function publicationLimiter(deps: PublishDeps): RollingWindowLimiter {
  let l = limiters.get(deps);
  if (!l) limiters.set(deps, (l = new RollingWindowLimiter(MANIFEST_PUTS_PER_WINDOW, MANIFEST_PUT_WINDOW_MS)));
  return l;
}

/** `__self_sign__` signs with the org key (the key is then written unpadded); any other signature must verify. */
function signedManifest(m: ManifestInput, org: Signer): ManifestInput {
  if (m.signature === SELF_SIGN) {
    if (normaliseKey(m.public_key) !== org.publicKey) throw unprocessable(CANNOT_SELF_SIGN);
    const withOurKey = { ...m, public_key: org.publicKey };
    return { ...withOurKey, signature: signManifest(withOurKey, org) };
  }
  const error = manifestSignatureError(m);
  if (error) throw unprocessable(error);
  return m;
}

export function publishManifest(deps: PublishDeps, limiter: RollingWindowLimiter, body: unknown, publishedBy: string): PublishedManifest {
  const nowMs = deps.clock.nowMs();
  if (!isJsonObject(body)) throw unprocessable('manifest body must be a JSON object');
  const entityUri = readEntityUri(body);
  const decision = limiter.hit(entityUri, nowMs);
  if (!decision.allowed) {
    throw new HttpError(429, RATE_LIMIT_DETAIL, 'rate_limited', { 'Retry-After': String(decision.retryAfterSeconds) });
  }
  checkRotationEventCount(body);
  const input = parseManifestBody(body);
  const expiresAtMs = checkValidityWindow(input, nowMs, deps.config.trustMode);
  const m = signedManifest(input, deps.keys.org);
  const { db } = deps;
  return db.transaction(() => {
    const stored = latestManifestFor(db, entityUri);
    const refusal = stored ? manifestUpdateError(m, stored) : null;
    if (refusal) throw conflict(`manifest update rejected: ${refusal}`);
    const document = manifestDocument(m, m.signature);
    const logEntry = appendLogEntry(db, 'manifest', document, nowMs);
    insertManifest(db, {
      entity_uri: entityUri, key_id: m.key_id, public_key: normaliseKey(m.public_key)!, issued_at: m.issued_at, expires_at: m.expires_at,
      expires_at_ms: expiresAtMs, manifest_version: m.manifest_version ?? null, document: canonicalJcs(document),
      log_index: logEntry.log_index, published_at: isoFromMs(nowMs), published_by: publishedBy, entities: m.entities,
    });
    recordAudit(db, { category: 'identity', eventType: 'manifest_published', actor: publishedBy, subject: entityUri, detail: { key_id: m.key_id, log_index: logEntry.log_index, expires_at: m.expires_at, entities: m.entities } }, nowMs);
    return {
      entity_uri: entityUri, key_id: m.key_id, issued_at: m.issued_at, expires_at: m.expires_at, signature: m.signature,
      ...(m.manifest_version !== undefined ? { manifest_version: m.manifest_version } : {}),
      log_entry: logEntry,
    };
  });
}
