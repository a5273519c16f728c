// Receiving facts from a peer: every fact is checked on its own (shape, scope, ownership, CID, HLC skew) and a bad
// one is rejected with an audit event instead of stalling the peer (CONTRACT.md "Replication").
import { recordAudit } from '../audit/log.js';
import type { Principal } from '../auth/permissions.js';
import { sql } from '../db/sql.js';
import { HttpError } from '../errors.js';
import { computeCid } from '../facts/cid.js';
import { HlcFormatError, HlcSkewError, nodeHlc, parseHlc } from '../facts/hlc.js';
import { assertFactWithoutRecord } from '../facts/service.js';
import { encodeFactValue, SCOPES, type Scope } from '../facts/values.js';
import type { NodeDeps } from '../server/deps.js';
import { parseScopes, type PeerRow } from './peers/repo.js';
import { recordQuarantineArrival } from '../quarantine/arrival.js';
import { routeIncomingFact, type IncomingRoute } from './routing.js';
import { noteSourceSeen } from '../trust/store.js';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { fact_id: string | null; reason: string }[];
  newestRemoteWallMs: number | null;
}

class Rejection extends Error {
  constructor(
    readonly reason: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

const MAX_FIELD = 4096;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(f: Record<string, unknown>, key: string, required = true): string | null {
  const v = f[key];
  if (v === undefined || v === null) {
    if (required) throw new Rejection('malformed', { field: key });
    return null;
  }
  if (typeof v !== 'string' || v === '' || v.length > MAX_FIELD) throw new Rejection('malformed', { field: key });
  return v;
}

/** Under the peer's authority: the entity URI itself or a path below it (never a look-alike host). */
export function isSourceOwnedBy(source: string, authority: string): boolean {
  const base = authority.replace(/\/+$/, '');
  return source === base || source.startsWith(base + '/');
}

/** One routing decision per (source, scope) per page: the sources of a page share their trust. */
type RouteCache = Map<string, IncomingRoute>;

function ingestOne(deps: NodeDeps, peer: PeerRow, principal: Principal, raw: unknown, allowed: Set<string>, routes: RouteCache): { duplicate: boolean; remoteWallMs: number } {
  if (!isObj(raw)) throw new Rejection('malformed');
  const id = text(raw, 'id')!;
  const entity = text(raw, 'entity')!;
  const relation = text(raw, 'relation')!;
  const source = text(raw, 'source')!;
  const timestamp = text(raw, 'timestamp')!;
  const hlcText = text(raw, 'hlc')!;
  const scope = text(raw, 'scope')! as Scope;
  const claimedCid = text(raw, 'cid', false);
  const validUntil = text(raw, 'valid_until', false);
  const confidence = raw['confidence'];
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) throw new Rejection('malformed', { field: 'confidence' });
  if (!(SCOPES as readonly string[]).includes(scope)) throw new Rejection('malformed', { field: 'scope' });
  if (!allowed.has(scope)) throw new Rejection('scope_not_permitted', { scope });
  if (peer.entity_uri && !isSourceOwnedBy(source, peer.entity_uri)) throw new Rejection('source_not_owned', { source, authority: peer.entity_uri });
  if (!isObj(raw['value'])) throw new Rejection('malformed', { field: 'value' });
  const value = raw['value'] as { type: string; v?: unknown; interpret_as?: string };
  let valueV: string;
  try {
    valueV = encodeFactValue(value, ['value']).valueV;
  } catch (e) {
    throw new Rejection(e instanceof HttpError && e.status === 413 ? 'value_too_large' : 'malformed', { field: 'value' });
  }
  const cidFor = (v: string): string => computeCid({ entity, relation, valueType: value.type, valueV: v, source, scope, confidence });
  let cid = cidFor(valueV);
  let isIntForm = false;
  if (claimedCid !== null && claimedCid !== cid) {
    // Tolerate the reference's number round trip (it serves "42" as 42.0): accept the integer form if that matches.
    const asInt = value.type === 'number' && /^-?\d+\.0$/.test(valueV) ? valueV.slice(0, -2) : null;
    if (asInt !== null && cidFor(asInt) === claimedCid) {
      valueV = asInt;
      cid = claimedCid;
      isIntForm = Number.isSafeInteger(Number(asInt));
    } else throw new Rejection('cid_mismatch', { claimed: claimedCid, computed: cid });
    if (!isIntForm) throw new Rejection('cid_mismatch', { claimed: claimedCid, computed: cid });
  }
  const existing = deps.db.get<{ cid: string }>(sql`SELECT cid FROM facts WHERE id = ${id}`);
  const remote = parseHlc(hlcText);
  if (!remote) throw new Rejection('malformed', { field: 'hlc' });
  if (existing) {
    if (existing.cid !== cid) throw new Rejection('id_conflict', { id });
    return { duplicate: true, remoteWallMs: remote.wallMs };
  }
  const clock = nodeHlc(deps.db, () => deps.clock.nowMs());
  let localHlc: string;
  try {
    localHlc = clock.receive(hlcText, deps.config.hlcMaxFutureSkewS * 1000, deps.config.hlcMaxPastSkewS * 1000);
  } catch (e) {
    if (e instanceof HlcSkewError) throw new Rejection('hlc_skew', { direction: e.direction, skew_ms: e.skewMs });
    if (e instanceof HlcFormatError) throw new Rejection('malformed', { field: 'hlc' });
    throw e;
  }
  const routeKey = `${source}\n${scope}`;
  let route = routes.get(routeKey);
  if (!route) routes.set(routeKey, (route = routeIncomingFact(deps, { source, scope, via: 'federation' })));
  // A cached decision still counts this fact as seen from its source.
  else if (route.sourceTrust !== null) noteSourceSeen(deps.db, { source, scope, via: 'federation', score: route.sourceTrust, nowMs: deps.clock.nowMs() });
  // A fresh object has no remembered literal, so an integer value is stored in its integer form.
  const typedValue = isIntForm ? { ...value, v: Number(valueV) } : value;
  const { created } = assertFactWithoutRecord(
    deps,
    principal,
    { entity, relation, value: typedValue, source, confidence, scope, valid_until: validUntil },
    {
      trusted: true, normalise: false, id, timestamp, hlc: localHlc, receivedFrom: peer.node_id, originNodeId: peer.node_id,
      originAllowedScopes: parseScopes(peer.allowed_scopes), sourceTrust: route.sourceTrust, quarantineGardenId: route.quarantineGardenId,
      quarantineReason: route.quarantineReason, cid,
    },
  );
  if (created && route.quarantineGardenId !== null) {
    recordQuarantineArrival(deps, { factId: id, quarantineGardenId: route.quarantineGardenId, reason: route.quarantineReason, sourceTrust: route.sourceTrust, source, via: 'federation', peerId: peer.id, actor: peer.node_id });
  }
  return { duplicate: !created, remoteWallMs: remote.wallMs };
}

/**
 * Ingest one page; the caller holds the transaction that also saves the cursor. Every check runs before a fact's
 * first write, so the fast path needs no savepoint per fact; if anything unexpected fails, the page is redone with one.
 */
export function ingestFacts(deps: NodeDeps, peer: PeerRow, facts: unknown[]): IngestResult {
  try {
    return deps.db.transaction(() => ingestPage(deps, peer, facts, false));
  } catch {
    return ingestPage(deps, peer, facts, true);
  }
}

function ingestPage(deps: NodeDeps, peer: PeerRow, facts: unknown[], isCareful: boolean): IngestResult {
  const principal: Principal = { kind: 'api_key', entityUri: peer.node_id ?? 'peer', permissions: new Set(), apiKeyId: null };
  const allowed = new Set(parseScopes(peer.allowed_scopes).filter((s) => s !== 'local' && (s !== 'team' || deps.config.allowTeam)));
  const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [], newestRemoteWallMs: null };
  const routes: RouteCache = new Map();
  for (const raw of facts) {
    try {
      // Careful mode: a savepoint per fact, so a fact that fails half-way leaves nothing behind and the page goes on.
      const r = isCareful ? deps.db.transaction(() => ingestOne(deps, peer, principal, raw, allowed, routes)) : ingestOne(deps, peer, principal, raw, allowed, routes);
      if (r.duplicate) result.duplicates++;
      else result.accepted++;
      result.newestRemoteWallMs = Math.max(result.newestRemoteWallMs ?? 0, r.remoteWallMs);
    } catch (e) {
      if (!isCareful && !(e instanceof Rejection)) throw e;
      const rej = e instanceof Rejection ? e : new Rejection('ingest_error', { message: e instanceof Error ? e.message.slice(0, 200) : 'error' });
      const factId = isObj(raw) && typeof raw['id'] === 'string' ? raw['id'].slice(0, 128) : null;
      result.rejected.push({ fact_id: factId, reason: rej.reason });
      recordAudit(deps.db, { category: 'federation', eventType: 'rejected_fact', peerId: peer.id, subject: factId, detail: { reason: rej.reason, ...rej.detail } }, deps.clock.nowMs());
    }
  }
  return result;
}
