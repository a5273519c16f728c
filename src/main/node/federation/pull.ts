// One pull cycle from one peer: page while has_more, each page ingested in one transaction with its cursor.
import { auditThrottle, recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import type { NodeDeps } from '../server/deps.js';
import { fetchDiscovery } from './discovery.js';
import { abortWith, PeerHttpError } from './http.js';
import { ingestChecked } from './ingest.js';
import { pageUrl, termsOf, type FetchedPage, type PageRequest } from './page.js';
import { PageWorkerError } from './pageFetcher.js';
import { peerRules, peerSender } from './sender.js';
import { mintPeerToken } from './peerToken.js';
import { advanceCursor, parseScopes, peerById, recordPullAttempt, updatePeerIfUnchanged, type PeerRow } from './peers/repo.js';

export const MAX_PAGES_PER_CYCLE = 2000;

/** A failed cycle: `error` is what the peer record shows; `retryAfterMs` honours a 429. */
export class PullFailure extends Error {
  constructor(
    readonly error: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(error);
  }
}

export interface CycleResult {
  received: number;
  duplicates: number;
  rejected: number;
  pages: number;
}

function failureFor(page: FetchedPage): PullFailure {
  const { status, detail, code } = page;
  if (status === 403 && (code === 'federation_disabled' || detail === 'federation_disabled')) return new PullFailure('peer_federation_disabled');
  if (status === 429) return new PullFailure('rate_limited_by_peer', page.retryAfterS !== null ? page.retryAfterS * 1000 : null);
  if (status === 401 && detail === 'peer not registered') return new PullFailure('peer_has_not_registered_this_node: replication is mutual; the peer operator must register this node');
  if (status === 401 && detail === 'peer_not_approved') return new PullFailure('peer_has_not_approved_this_node');
  const text = detail !== null ? detail.slice(0, 200) : '';
  return new PullFailure(`peer_answered_${status}${text ? `: ${text}` : ''}`);
}

/**
 * A mismatch is the operator's business: record it, audit it when it starts (a peer verified again between refusals
 * still carries the error), and stop exchanging facts until they re-pin. Null when the peer was re-pinned, moved or
 * removed since the page was asked for under `pin`: that page is dropped instead.
 */
function keyMismatch(deps: NodeDeps, peer: PeerRow, pin: string, presented: string | null): PullFailure | null {
  if (peer.trusted_public_key !== pin) return null;
  const isRecorded = deps.db.transaction(() => {
    if (!updatePeerIfUnchanged(deps.db, peer, { status: 'key_mismatch', error: 'signature_mismatch' })) return false;
    if (peer.error !== 'signature_mismatch') recordAudit(deps.db, { category: 'federation', eventType: 'signature_mismatch', peerId: peer.id, detail: { node_id: peer.node_id, pinned_key: pin, presented_key: presented } }, deps.clock.nowMs());
    return true;
  });
  return isRecorded ? new PullFailure('signature_mismatch') : null;
}

/** Refused like a bad signature, audited when it starts (the peer's error says it while it lasts); nothing is read. */
function signatureMissing(deps: NodeDeps, peer: PeerRow): PullFailure {
  if (peer.error !== SIGNATURE_MISSING) {
    recordAudit(deps.db, { category: 'federation', eventType: 'signature_mismatch', peerId: peer.id, detail: { node_id: peer.node_id, reason: SIGNATURE_MISSING, pinned_key: peer.trusted_public_key } }, deps.clock.nowMs());
  }
  return new PullFailure(SIGNATURE_MISSING);
}

const SIGNATURE_MISSING = 'signature_missing';

function pageHeaders(deps: NodeDeps, peer: PeerRow): Record<string, string> {
  const token = mintPeerToken(deps.keys.federation, { iss: deps.nodeId, sub: peer.node_id ?? '', scopes: parseScopes(peer.allowed_scopes) }, deps.clock.nowMs());
  return { authorization: `Bearer ${token}`, 'stigmem-verify': 'full', accept: 'application/json' };
}

/** A page request and, for a fetcher that reads ahead, a token for the page after it. */
function pageRequest(deps: NodeDeps, peer: PeerRow, cursor: string | null): PageRequest {
  return {
    url: pageUrl(peer.node_url, cursor),
    headers: pageHeaders(deps, peer),
    pin: peer.trusted_public_key,
    rules: peerRules(deps, peer),
    ...(deps.pages.readsAhead ? { next: { nodeUrl: peer.node_url, headers: pageHeaders(deps, peer) } } : {}),
    ...(deps.config.tls !== null && peer.node_id !== null ? { expectNodeId: peer.node_id } : {}),
  };
}

const sanMismatchesAudited = auditThrottle();

/** The peer's TLS certificate names another node: nothing it sent is read; audited at most once a minute per peer. */
function sanMismatch(deps: NodeDeps, peer: PeerRow, presented: string[]): PullFailure {
  const nowMs = deps.clock.nowMs();
  if (sanMismatchesAudited(peer.id, nowMs)) {
    recordAudit(deps.db, { category: 'federation', eventType: 'san_mismatch', peerId: peer.id, detail: { node_id: peer.node_id, direction: 'pull', certificate_uris: presented.slice(0, 10) } }, nowMs);
  }
  return new PullFailure(`san_mismatch: the peer's TLS certificate does not name ${peer.node_id ?? 'its node id'} as a URI SAN`);
}

/** Whether a page fetched and checked under `req` may be stored for the peer as it is now (not re-pinned or re-scoped meanwhile). */
function stillApplies(deps: NodeDeps, live: PeerRow, req: PageRequest): boolean {
  return termsOf({ pin: live.trusted_public_key, rules: peerRules(deps, live) }) === termsOf(req);
}

async function fetchPage(deps: NodeDeps, req: PageRequest, signal: AbortSignal): Promise<FetchedPage> {
  try {
    return await deps.pages.fetch(req, signal);
  } catch (e) {
    if (e instanceof PeerHttpError && e.kind === 'aborted') throw e;
    if (e instanceof PageWorkerError) throw new PullFailure(`internal_error: ${e.message}`);
    throw new PullFailure(e instanceof PeerHttpError ? `unreachable: ${e.message}` : 'unreachable');
  }
}

/** A page request already on its way, abandoned quietly (and aborted) if the cycle ends before it is needed. */
function prefetch(deps: NodeDeps, peer: PeerRow, cursor: string | null, signal: AbortSignal): { page: Promise<FetchedPage>; req: PageRequest; cancel: () => void } {
  const own = new AbortController();
  const release = abortWith(signal, own);
  const req = pageRequest(deps, peer, cursor);
  const page = fetchPage(deps, req, own.signal);
  page.then(release, release);
  return { page, req, cancel: () => own.abort() };
}

/**
 * Pages while has_more. The next page is requested before this one is ingested, so the peer prepares it while we
 * write; each page still commits on its own with the cursor that follows it.
 */
export async function pullCycle(deps: NodeDeps, peerId: string, signal: AbortSignal): Promise<CycleResult> {
  const result: CycleResult = { received: 0, duplicates: 0, rejected: 0, pages: 0 };
  let peer = peerById(deps.db, peerId);
  let checkedDiscovery = false;
  let pending = peer && peer.status === 'active' ? prefetch(deps, peer, peer.cursor, signal) : null;
  try {
    while (peer && pending && peer.status === 'active' && !signal.aborted && result.pages < MAX_PAGES_PER_CYCLE) {
      const page = await pending.page;
      const req = pending.req;
      pending = null;
      if (signal.aborted) break;
      if (page.certificateUris !== undefined) throw sanMismatch(deps, peer, page.certificateUris);
      if (page.status !== 200) throw failureFor(page);
      if (page.signature === 'invalid') {
        const mismatch = keyMismatch(deps, peer, req.pin, null);
        if (mismatch === null) break;
        throw mismatch;
      }
      // A peer that has signed a page keeps signing: an unsigned page from it is a stripped signature.
      if (page.signature === 'absent' && peer.signs_pages === 1) throw signatureMissing(deps, peer);
      if (page.signature === 'absent' && !checkedDiscovery) {
        // Reference peers do not sign pages: check their served key against the pin once per cycle instead.
        const d = await fetchDiscovery(peer.node_url, signal).catch(() => null);
        if (!d) throw new PullFailure('unreachable: discovery document unavailable');
        if (d.federationKey !== req.pin) {
          const mismatch = keyMismatch(deps, peer, req.pin, d.federationKey);
          if (mismatch === null) break;
          throw mismatch;
        }
        checkedDiscovery = true;
      }
      if (!page.body) throw new PullFailure('peer_sent_malformed_page');
      const { items } = page.body;
      const next = page.body.cursor ?? peer.cursor;
      const isLast = !page.body.hasMore || items.length === 0 || result.pages + 1 >= MAX_PAGES_PER_CYCLE;
      if (!isLast) {
        pending = prefetch(deps, peer, next, signal);
        await new Promise((r) => setImmediate(r)); // let the request leave before the synchronous ingest below
      }
      const current = peer;
      const stored = deps.db.transaction(() => {
        const live = peerById(deps.db, current.id);
        // Removed, re-pinned or re-scoped while the page was in flight: keep nothing (a PATCH starts a new cycle).
        if (!live || live.status !== 'active' || !stillApplies(deps, live, req)) return false;
        const r = ingestChecked(deps, peerSender(deps, live), items);
        advanceCursor(deps.db, live.id, next, r.accepted, r.rejected.length, r.newestRemoteWallMs, page.signature === 'valid');
        result.received += r.accepted;
        result.duplicates += r.duplicates;
        result.rejected += r.rejected.length;
        return true;
      });
      if (!stored) break;
      result.pages++;
      if (isLast) break;
      peer = peerById(deps.db, peerId);
    }
  } finally {
    pending?.cancel();
  }
  return result;
}

/** Record how a cycle ended on the peer row (and in the audit log when it says something new). */
export function recordCycle(deps: NodeDeps, peerId: string, outcome: { result?: CycleResult; failure?: PullFailure }, wasFailing: boolean): void {
  const nowMs = deps.clock.nowMs();
  const at = isoFromMs(nowMs);
  deps.db.transaction(() => {
    const row = peerById(deps.db, peerId);
    if (!row || row.status === 'removed') return;
    if (outcome.failure) {
      recordPullAttempt(deps.db, peerId, at, outcome.failure.error, null);
      if (!wasFailing) recordAudit(deps.db, { category: 'federation', eventType: 'pull_failed', peerId, detail: { error: outcome.failure.error } }, nowMs);
      return;
    }
    const r = outcome.result!;
    // No longer active when the cycle ends (re-pinned to a key the peer does not serve, say): the row keeps what the
    // operator's change found, not this cycle's success.
    if (row.status !== 'active') return;
    const lag = row.newest_remote_wall_ms ? Math.max(0, nowMs - row.newest_remote_wall_ms) : null;
    recordPullAttempt(deps.db, peerId, at, null, lag);
    if (r.received > 0 || r.rejected > 0 || wasFailing || row.last_success_at === null) {
      recordAudit(deps.db, { category: 'federation', eventType: 'pull_completed', peerId, detail: { facts_received: r.received, duplicates: r.duplicates, rejected: r.rejected, pages: r.pages } }, nowMs);
    }
  });
}
