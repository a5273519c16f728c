// Receiving facts from a peer (or a token's subject on the push route): every fact is checked on its own (shape, scope,
// ownership, CID, HLC skew) and a bad one is rejected with an audit event instead of stalling the sender
// (CONTRACT.md "Replication").
import { isoFromMs } from '../clock.js';
import { sql } from '../db/sql.js';
import { storageFailureOf } from '../db/storageErrors.js';
import { closeConflictsOfRetracted, recordContradictions } from '../facts/conflicts.js';
import { HlcSkewError, nodeHlc, persistHlc, type Hlc, type HlcValue } from '../facts/hlc.js';
import { isSystemName, relationWarnings } from '../facts/normalise.js';
import { insertFactRow } from '../facts/repo.js';
import type { WriteContext } from '../facts/writeContext.js';
import { recordQuarantineArrival } from '../quarantine/arrival.js';
import type { NodeDeps } from '../server/deps.js';
import { noteSourceSeen } from '../trust/store.js';
import { checkFacts, Rejection, type Checked, type CheckedItem } from './check.js';
import type { Sender } from './sender.js';
import { scoreIncomingFact, type IncomingRoute } from './routing.js';
import { auditRejection, flushRejectionSummary } from './rejectionAudit.js';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { fact_id: string | null; reason: string }[];
  newestRemoteWallMs: number | null;
}

/** What one page shares: its clock, one trust decision per (source, scope), what is already stored, sources seen. */
interface PageState {
  deps: NodeDeps;
  sender: Sender;
  ctx: WriteContext;
  routes: Map<string, IncomingRoute>;
  /** id → cid of the page's facts already stored (before the page, or earlier in it). */
  storedIds: Map<string, string>;
  storedCids: Set<string>;
  /** (entity, relation, scope) keys that already have a stored fact: only those can contradict or be retracted. */
  occupied: Set<string>;
  /** Per source, in page order: the last scope and score seen and how many facts. */
  seen: Map<string, { scope: string; score: number; count: number }>;
}

type Outcome = { kind: 'duplicate' | 'accepted'; route: IncomingRoute | null };

function receiveHlc(clock: Hlc, deps: NodeDeps, remote: HlcValue): string {
  try {
    return clock.receiveValue(remote, deps.config.hlcMaxFutureSkewS * 1000, deps.config.hlcMaxPastSkewS * 1000);
  } catch (e) {
    if (e instanceof HlcSkewError) throw new Rejection('hlc_skew', { direction: e.direction, skew_ms: e.skewMs });
    throw e;
  }
}

/** Store one checked fact (or find it already stored); every write of it happens after its last check. */
function applyFact(s: PageState, f: Checked): Outcome {
  const priorCid = s.storedIds.get(f.id);
  if (priorCid !== undefined) {
    if (priorCid !== f.cid) throw new Rejection('id_conflict', { id: f.id });
    return { kind: 'duplicate', route: null };
  }
  const localHlc = receiveHlc(s.ctx.hlc, s.deps, f.remote);
  const routeKey = `${f.source}\n${f.scope}`;
  let route = s.routes.get(routeKey);
  if (!route) s.routes.set(routeKey, (route = scoreIncomingFact(s.deps, { source: f.source, scope: f.scope, via: s.sender.via })));
  // The same fact under another id (asserted on both nodes): nothing to store.
  if (s.storedCids.has(f.cid)) return { kind: 'duplicate', route };
  const seq = insertFactRow(s.deps.db, {
    id: f.id, cid: f.cid, entity: f.entity, relation: f.relation, valueType: f.valueType, valueV: f.valueV, interpretAs: f.interpretAs,
    source: f.source, timestamp: f.timestamp, hlc: localHlc, confidence: f.confidence, scope: f.scope, validUntil: f.validUntil,
    validUntilMs: f.validUntilMs, gardenId: null, receivedFrom: s.sender.nodeId, originNodeId: s.sender.nodeId, originAllowedScopes: s.sender.originScopes,
    attestedKeyId: null, attested: null, writtenBy: s.sender.nodeId, derivedFrom: '[]', warnings: relationWarnings(f.relation),
    sourceTrust: route.sourceTrust, quarantineGardenId: route.quarantineGardenId, quarantineReason: route.quarantineReason,
  });
  if (route.quarantineGardenId !== null) {
    recordQuarantineArrival(s.deps, { factId: f.id, quarantineGardenId: route.quarantineGardenId, reason: route.quarantineReason, sourceTrust: route.sourceTrust, source: f.source, via: s.sender.via, peerId: s.sender.peerId, actor: s.sender.nodeId });
  } else if (!isSystemName(f.entity) && !isSystemName(f.relation) && s.occupied.has(tripleKey(f))) {
    const row = { id: f.id, seq, entity: f.entity, relation: f.relation, scope: f.scope, garden_id: null, value_type: f.valueType, value_v: f.valueV };
    if (f.confidence === 0) closeConflictsOfRetracted(s.ctx, row);
    else recordContradictions(s.ctx, row);
  }
  s.occupied.add(tripleKey(f));
  return { kind: 'accepted', route };
}

// A separator clash can only mark a triple occupied that is not (one needless check), never the reverse.
const tripleKey = (f: Pick<Checked, 'entity' | 'relation' | 'scope'>): string => `${f.entity}\u0000${f.relation}\u0000${f.scope}`;

/**
 * What is already stored for a page, in two set queries: the ids, and per (entity, relation, scope) whether any fact
 * holds it and whether this very CID does (a CID fixes its triple, so both are probes of facts_triple_cid).
 */
function storedOf(deps: NodeDeps, facts: Checked[]): { ids: Map<string, string>; cids: Set<string>; occupied: Set<string> } {
  const byId = deps.db.all<{ id: string; cid: string }>(sql`SELECT id, cid FROM facts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(facts.map((f) => f.id))}))`);
  const keys = JSON.stringify(facts.map((f) => [f.entity, f.relation, f.scope, f.cid]));
  const hits = deps.db.all<{ i: number; stored: 0 | 1 }>(sql`SELECT t.key AS i, EXISTS (SELECT 1 FROM facts f INDEXED BY facts_triple_cid
      WHERE f.entity = t.value ->> 0 AND f.relation = t.value ->> 1 AND f.scope = t.value ->> 2 AND f.cid = t.value ->> 3) AS stored
    FROM json_each(${keys}) t WHERE EXISTS (SELECT 1 FROM facts f INDEXED BY facts_triple_cid
      WHERE f.entity = t.value ->> 0 AND f.relation = t.value ->> 1 AND f.scope = t.value ->> 2)`);
  const cids = new Set(hits.filter((h) => h.stored === 1).map((h) => facts[h.i]!.cid));
  return { ids: new Map(byId.map((r) => [r.id, r.cid])), cids, occupied: new Set(hits.map((h) => tripleKey(facts[h.i]!))) };
}

/**
 * Ingest one page; the caller holds the transaction that also saves the cursor. Every check runs before a fact's
 * first write, so the fast path needs no savepoint per fact; if anything unexpected fails, the page is redone with one.
 */
export function ingestFacts(deps: NodeDeps, sender: Sender, facts: unknown[]): IngestResult {
  return ingestChecked(deps, sender, checkFacts(sender, facts));
}

/** ingestFacts for a page whose facts were already checked (by the thread that fetched it). */
export function ingestChecked(deps: NodeDeps, sender: Sender, checked: CheckedItem[]): IngestResult {
  try {
    return deps.db.transaction(() => ingestPage(deps, sender, checked, false));
  } catch (e) {
    // A database that cannot be written fails the whole page (its cursor stays), never fact by fact.
    if (storageFailureOf(e) !== null) throw e;
    return ingestPage(deps, sender, checked, true);
  }
}

function ingestPage(deps: NodeDeps, sender: Sender, checked: CheckedItem[], isCareful: boolean): IngestResult {
  const nowMs = deps.clock.nowMs();
  const valid = checked.filter((c): c is Checked => !(c instanceof Rejection));
  const stored = storedOf(deps, valid);
  const s: PageState = {
    deps, sender,
    ctx: { db: deps.db, hlc: nodeHlc(deps.db, () => deps.clock.nowMs()), nowMs, timestamp: isoFromMs(nowMs), actor: sender.nodeId },
    routes: new Map(), storedIds: stored.ids, storedCids: stored.cids, occupied: stored.occupied, seen: new Map(),
  };
  const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [], newestRemoteWallMs: null };
  checked.forEach((c) => {
    try {
      if (c instanceof Rejection) throw c;
      // Careful mode: a savepoint per fact, so a fact that fails half-way leaves nothing behind and the page goes on.
      const o = isCareful ? deps.db.transaction(() => applyFact(s, c)) : applyFact(s, c);
      if (o.kind === 'accepted') {
        result.accepted++;
        s.storedIds.set(c.id, c.cid);
        s.storedCids.add(c.cid);
      } else result.duplicates++;
      if (o.route !== null && o.route.sourceTrust !== null) {
        s.seen.set(c.source, { scope: c.scope, score: o.route.sourceTrust, count: (s.seen.get(c.source)?.count ?? 0) + 1 });
      }
      result.newestRemoteWallMs = Math.max(result.newestRemoteWallMs ?? 0, c.remote.wallMs);
    } catch (e) {
      if ((!isCareful && !(e instanceof Rejection)) || storageFailureOf(e) !== null) throw e;
      const rej = e instanceof Rejection ? e : new Rejection('ingest_error', { message: e instanceof Error ? e.message.slice(0, 200) : 'error' });
      const factId = c instanceof Rejection ? c.factId : c.id.slice(0, 128);
      result.rejected.push({ fact_id: factId, reason: rej.reason });
      auditRejection(deps, sender, factId, rej.reason, rej.detail);
    }
  });
  flushRejectionSummary(deps, sender);
  for (const [source, v] of s.seen) noteSourceSeen(deps.db, { source, scope: v.scope, via: sender.via, score: v.score, nowMs, count: v.count });
  persistHlc(deps.db, s.ctx.hlc);
  return result;
}
