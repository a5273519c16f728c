// Revocation: signed events (REFERENCE-NODE.md §3.2) appended to the transparency log, published to anyone at
// GET /v1/federation/capability-tokens/revocations, and pulled from every peer whose manifest this node holds.
import { recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import { fromBase64Url } from '../crypto/base64url.js';
import { verifySignature } from '../crypto/ed25519.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import { PeerHttpError, peerRequest, peerUrl } from '../federation/http.js';
import type { PeerRow } from '../federation/peers/repo.js';
import { canonicalJcsBytes } from '../json/canonical.js';
import { manifestCovering, type StoredManifest } from '../manifests/store.js';
import type { NodeDeps } from '../server/deps.js';
import { appendLogEntry, type LogEntry } from '../transparency/store.js';
import { manifestKeys } from './manifestKeys.js';
import { insertRevocation, issuedToken, localRevocationsSince, pullCursor, revocationFor, savePullCursor, type RevocationRow } from './store.js';

export const MAX_REASON_CHARS = 1024;
export const REVOCATIONS_PAGE = 500;
const MAX_PAGES_PER_PULL = 20;
const MAX_REVOCATION_PAGE_BYTES = 4 * 1024 * 1024;

/** The four signed fields of a revocation event. */
export interface RevocationEvent {
  reason: string;
  revoked_at: string;
  revoked_by: string;
  token_id: string;
}

export function revocationSigningBytes(e: RevocationEvent): Buffer {
  return canonicalJcsBytes({ reason: e.reason, revoked_at: e.revoked_at, revoked_by: e.revoked_by, token_id: e.token_id });
}

export interface RevokeResponse {
  token_id: string;
  revoked_at: string;
  status: 'revoked';
  log_entry: LogEntry;
}

type RevokeDeps = Pick<NodeDeps, 'db' | 'keys' | 'clock'>;

function reasonOf(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body !== 'object' || Array.isArray(body)) throw unprocessable('body must be a JSON object');
  const r = (body as Record<string, unknown>)['reason'];
  if (r === undefined || r === null) return '';
  if (typeof r !== 'string') throw unprocessable('reason must be a string');
  if (r.length > MAX_REASON_CHARS) throw unprocessable(`reason must be at most ${MAX_REASON_CHARS} characters`);
  return r;
}

export function revokeToken(deps: RevokeDeps, tokenId: string, body: unknown, revokedBy: string): RevokeResponse {
  const reason = reasonOf(body);
  const nowMs = deps.clock.nowMs();
  return deps.db.transaction(() => {
    const row = issuedToken(deps.db, tokenId);
    if (!row) throw notFound('capability token not found');
    if (revocationFor(deps.db, row.token_id, row.issuer, row.issuer)) throw conflict('token already revoked');
    const event: RevocationEvent = { reason, revoked_at: isoFromMs(nowMs), revoked_by: revokedBy, token_id: row.token_id };
    const signature = deps.keys.org.signB64(revocationSigningBytes(event));
    const logEntry = appendLogEntry(deps.db, 'token_revocation', { ...event, signature }, nowMs);
    insertRevocation(deps.db, {
      tokenId: row.token_id, issuerEntity: row.issuer, revokedBy, revokedAt: event.revoked_at, reason, signature,
      logIndex: logEntry.log_index, origin: 'local', receivedFrom: null, receivedAt: event.revoked_at,
    });
    recordAudit(deps.db, { category: 'identity', eventType: 'capability_revoked', actor: revokedBy, subject: row.token_id, detail: { reason, log_index: logEntry.log_index } }, nowMs);
    return { token_id: row.token_id, revoked_at: event.revoked_at, status: 'revoked' as const, log_entry: logEntry };
  });
}

export interface PublishedRevocation extends RevocationEvent {
  issuer: string;
  signature: string;
  log_index: number;
}

export interface RevocationPage {
  revocations: PublishedRevocation[];
  next_since: number;
  has_more: boolean;
}

const published = (r: RevocationRow): PublishedRevocation => ({
  token_id: r.token_id, issuer: r.issuer_entity, revoked_by: r.revoked_by, revoked_at: r.revoked_at, reason: r.reason,
  signature: r.signature, log_index: r.log_index ?? 0,
});

/** This node's own revocations whose log index is `since` or later. */
export function revocationPage(deps: Pick<NodeDeps, 'db'>, since: number, limit = REVOCATIONS_PAGE): RevocationPage {
  const rows = localRevocationsSince(deps.db, since, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { revocations: page.map(published), next_since: last ? (last.log_index ?? since) + 1 : since, has_more: rows.length > limit };
}

const str = (o: Record<string, unknown>, k: string, max = 2048): string | null => {
  const v = o[k];
  return typeof v === 'string' && v.length <= max ? v : null;
};

/** Check one published event against the issuer's manifest keys; the event to store, or why not. */
export function checkPublishedRevocation(item: unknown, manifest: StoredManifest): { event: RevocationEvent; signature: string; logIndex: number | null } | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'revocation is not a JSON object';
  const o = item as Record<string, unknown>;
  const tokenId = str(o, 'token_id', 256);
  const revokedAt = str(o, 'revoked_at', 64);
  const revokedBy = str(o, 'revoked_by');
  const reason = str(o, 'reason', MAX_REASON_CHARS);
  const signature = str(o, 'signature', 256);
  if (!tokenId || revokedAt === null || revokedBy === null || reason === null || !signature) return 'revocation fields are missing or malformed';
  const event: RevocationEvent = { reason, revoked_at: revokedAt, revoked_by: revokedBy, token_id: tokenId };
  const sig = fromBase64Url(signature);
  const body = revocationSigningBytes(event);
  if (!sig || sig.length !== 64 || !manifestKeys(manifest).some((k) => verifySignature(k.publicKey, body, sig))) {
    return `revocation of ${tokenId.slice(0, 64)} is not signed by a key of ${manifest.entity_uri}`;
  }
  const logIndex = typeof o['log_index'] === 'number' && Number.isSafeInteger(o['log_index']) ? o['log_index'] : null;
  return { event, signature, logIndex };
}

/** Store the verified events of one page; returns how many were new. */
export function ingestRevocations(deps: Pick<NodeDeps, 'db' | 'clock'>, manifest: StoredManifest, items: unknown[], sourceUrl: string, peerId: string | null): number {
  const nowMs = deps.clock.nowMs();
  let added = 0;
  const refused: string[] = [];
  for (const item of items) {
    const checked = checkPublishedRevocation(item, manifest);
    if (typeof checked === 'string') {
      refused.push(checked);
      continue;
    }
    const fresh = insertRevocation(deps.db, {
      tokenId: checked.event.token_id, issuerEntity: manifest.entity_uri, revokedBy: checked.event.revoked_by, revokedAt: checked.event.revoked_at,
      reason: checked.event.reason, signature: checked.signature, logIndex: checked.logIndex, origin: 'peer', receivedFrom: sourceUrl, receivedAt: isoFromMs(nowMs),
    });
    if (fresh) {
      added++;
      recordAudit(deps.db, { category: 'federation', eventType: 'capability_revocation_received', peerId, subject: checked.event.token_id, detail: { issuer: manifest.entity_uri, revoked_at: checked.event.revoked_at } }, nowMs);
    }
  }
  // One event per page however many it refused: a page is at most REVOCATIONS_PAGE items.
  if (refused.length > 0) {
    recordAudit(deps.db, { category: 'federation', eventType: 'revocation_rejected', peerId, detail: { issuer: manifest.entity_uri, count: refused.length, reason: refused[0], reasons: [...new Set(refused)].slice(0, 10) } }, nowMs);
  }
  return added;
}

/**
 * Pull the revocations a peer publishes for the organisation whose manifest we hold for it, from where we left off.
 * Never throws: a peer that does not publish revocations (a reference node answers 404) simply yields none.
 */
export async function pullRevocations(deps: NodeDeps, peer: PeerRow, signal: AbortSignal): Promise<number> {
  let added = 0;
  try {
    if (!peer.entity_uri) return 0;
    const manifest = manifestCovering(deps.db, peer.entity_uri, deps.clock.nowMs());
    if (!manifest) return 0;
    let since = pullCursor(deps.db, manifest.entity_uri, peer.node_url);
    for (let page = 0; page < MAX_PAGES_PER_PULL && !signal.aborted; page++) {
      const res = await peerRequest(peerUrl(peer.node_url, `/v1/federation/capability-tokens/revocations?since=${since}`), {
        signal, timeoutMs: 10_000, maxBytes: MAX_REVOCATION_PAGE_BYTES, headers: { accept: 'application/json' },
      });
      const body = res.json as { revocations?: unknown; next_since?: unknown; has_more?: unknown } | undefined;
      if (res.status !== 200 || !body || !Array.isArray(body.revocations) || body.revocations.length > REVOCATIONS_PAGE) return added;
      const items = body.revocations;
      const next = typeof body.next_since === 'number' && Number.isSafeInteger(body.next_since) && body.next_since >= since ? body.next_since : since;
      deps.db.transaction(() => {
        added += ingestRevocations(deps, manifest, items, peer.node_url, peer.id);
        savePullCursor(deps.db, manifest.entity_uri, peer.node_url, next, isoFromMs(deps.clock.nowMs()));
      });
      if (body.has_more !== true || next === since) break;
      since = next;
    }
  } catch (e) {
    if (!(e instanceof PeerHttpError) && !signal.aborted) recordAudit(deps.db, { category: 'federation', eventType: 'revocation_pull_failed', peerId: peer.id, detail: { error: e instanceof Error ? e.message.slice(0, 200) : 'error' } }, deps.clock.nowMs());
  }
  return added;
}
