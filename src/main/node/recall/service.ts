// Basic recall (Spec-07): filters and authorisation first (scope, garden ACL, quarantine, expiry, retraction), then
// only the surviving facts are scored — lexical match, source trust, recency, times confidence — and packed to budget.
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../auth/permissions.js';
import { isoFromMs, parseIsoMs } from '../clock.js';
import { sql } from '../db/sql.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { gardenByRef } from '../facts/gardenRef.js';
import { normaliseOrRaw } from '../facts/normalise.js';
import { factWhere } from '../facts/query.js';
import { toWireRecord, type WireFactRecord } from '../facts/record.js';
import { FACT_SELECT, type FactRow } from '../facts/repo.js';
import { isScope, SCOPES } from '../facts/values.js';
import { canReadGarden, readableGardenIds } from '../gardens/acl.js';
import { pyFloat, type RawJson } from '../json/pyjson.js';
import { attestationChains } from '../provenance/store.js';
import { liveEffectiveConfidence, liveSourceTrust } from '../trust/live.js';
import type { NodeDeps } from '../server/deps.js';
import { lexicalMatchSql, lexicalScore, queryTerms } from './lexical.js';
import { DEFAULT_WEIGHTS, type RecallBody } from './schemas.js';

/** Candidates read from the store before scoring (newest first). */
export const MAX_CANDIDATES = 2000;
const CONTRADICTED_FACTOR = 0.1;
const DAY_MS = 86_400_000;

export interface ScoredFact {
  fact: WireFactRecord;
  score: RawJson;
  score_breakdown: Record<'lexical' | 'semantic' | 'graph' | 'source_trust' | 'recency' | 'weighted_total', RawJson>;
  hop_distance: number;
  token_estimate: number;
  from_card: boolean;
}

interface Candidate {
  row: FactRow;
  score: number;
  why: string[];
  breakdown: { lexical: number; sourceTrust: number; recency: number };
  tokens: number;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** 1.0 for now, falling linearly to 0 at a year old (the reference's recency signal). */
export function recencyScore(timestamp: string, nowMs: number): number {
  const ms = parseIsoMs(timestamp);
  if (ms === null) return 0.5;
  return Math.max(0, 1 - Math.floor((nowMs - ms) / DAY_MS) / 365);
}

/** About four characters per token, as the reference estimates. */
export function tokenEstimate(row: FactRow): number {
  const v = row.value_type === 'null' ? '' : row.value_v;
  return Math.max(1, Math.floor(`${row.entity} ${row.relation} ${v} ${row.source}`.length / 4));
}

function candidateRows(deps: NodeDeps, principal: Principal, body: RecallBody, scope: string, terms: string[]): FactRow[] {
  let gardenId: string | undefined;
  if (body.garden_id) {
    const garden = gardenByRef(deps.db, body.garden_id);
    if (!garden) throw notFound('garden not found');
    if (!canReadGarden(deps.db, principal, garden.id)) throw forbidden('not a member of this garden');
    gardenId = garden.id;
  }
  const where = factWhere({
    entity: body.entity ? normaliseOrRaw(body.entity) : undefined,
    relation: body.relation ?? undefined,
    source: body.source ? normaliseOrRaw(body.source) : undefined,
    scope,
    minConfidence: body.min_confidence ?? 0.1,
    includeContradicted: true,
    includeExpired: false,
    includeRetracted: false,
    gardenId,
    readableGardenIds: readableGardenIds(deps.db, principal),
    nowMs: deps.clock.nowMs(),
  });
  // Explicit filters select facts on their own; otherwise a fact must match the query's words.
  const filtered = Boolean(body.entity || body.relation || body.source || body.garden_id);
  const match = filtered ? sql`1` : lexicalMatchSql(terms);
  return deps.db.all<FactRow>(sql`${FACT_SELECT} WHERE ${where} AND ${match} ORDER BY f.seq DESC LIMIT ${MAX_CANDIDATES}`);
}

function score(rows: FactRow[], terms: string[], body: RecallBody, nowMs: number, trustNow: (row: FactRow) => number | null): Candidate[] {
  const w = { ...DEFAULT_WEIGHTS, ...(body.weights ?? {}) };
  // Semantic and graph signals are not computed here, so their weights do not dilute the ones that are.
  const total = w.lexical + w.source_trust + w.recency || 1;
  const hits = rows.map((r) => lexicalScore(r, terms));
  const best = Math.max(0, ...hits.map((h) => h.score));
  return rows.map((row, i) => {
    const hit = hits[i]!;
    const lexical = best > 0 ? hit.score / best : 0;
    // The source's trust as it is now (an override or new history counts at once), not the snapshot taken at ingest.
    const sourceTrust = trustNow(row) ?? row.source_trust ?? 1;
    const recency = recencyScore(row.timestamp, nowMs);
    const contradiction = row.is_contradicted === 1 ? CONTRADICTED_FACTOR : 1;
    const value = ((w.lexical * lexical + w.source_trust * sourceTrust + w.recency * recency) / total) * row.confidence * contradiction;
    const why = [
      hit.matched.length > 0 ? `lexical match: ${hit.matched.length}/${terms.length} query words (${hit.matched.join(', ')})` : 'selected by filters (no query word matched)',
      `confidence ${row.confidence}`,
      `source trust ${round(sourceTrust, 4)}${row.source_trust === null ? ' (written on this node)' : ''}`,
      `recency ${round(recency, 4)}`,
    ];
    if (contradiction !== 1) why.push(`contradicted (×${CONTRADICTED_FACTOR})`);
    return { row, score: round(value, 6), why, breakdown: { lexical, sourceTrust, recency }, tokens: tokenEstimate(row) };
  });
}

/** Highest score first; a fact that would overflow the budget is skipped and smaller ones still tried. */
function pack(candidates: Candidate[], budget: number): { packed: Candidate[]; used: number; truncated: boolean } {
  const sorted = [...candidates].sort((a, b) => b.score - a.score || b.row.seq - a.row.seq);
  const packed: Candidate[] = [];
  let used = 0;
  let truncated = false;
  for (const c of sorted) {
    if (used + c.tokens > budget) {
      truncated = true;
      continue;
    }
    packed.push(c);
    used += c.tokens;
  }
  return { packed, used, truncated };
}

export function recall(deps: NodeDeps, principal: Principal, body: RecallBody, opts: { legacyFormat: boolean }) {
  const scope = body.scope ?? 'local';
  if (!isScope(scope)) throw badRequest(`invalid_scope: must be one of [${[...SCOPES].sort().map((s) => `'${s}'`).join(', ')}]`, 'invalid_scope');
  if (body.as_of !== undefined && body.as_of !== null) throw badRequest('as_of (time-travel recall) is not available on this node', 'time_travel_disabled');
  const nowMs = deps.clock.nowMs();
  const terms = queryTerms(body.query);
  const trustNow = liveSourceTrust(deps);
  const rows = candidateRows(deps, principal, body, scope, terms);
  // Filtered candidates that match the query's words win; the filter alone selects only when none does.
  const matching = rows.filter((r) => lexicalScore(r, terms).matched.length > 0);
  const ranked = score(matching.length > 0 ? matching : rows, terms, body, nowMs, trustNow).sort((a, b) => b.score - a.score || b.row.seq - a.row.seq).slice(0, body.limit ?? 100);
  const { packed, used, truncated } = pack(ranked, body.token_budget ?? 4000);
  const chains = attestationChains(deps.db, packed.map((c) => c.row.id));
  // The scores the ranking used, computed once per source for both.
  const effective = liveEffectiveConfidence(deps, trustNow);
  const scored = packed.map((c) => {
    const fact = toWireRecord(c.row, { attestationChain: chains.get(c.row.id), effectiveConfidence: effective(c.row) });
    const sf: ScoredFact = {
      fact,
      score: pyFloat(c.score),
      score_breakdown: {
        lexical: pyFloat(round(c.breakdown.lexical, 4)), semantic: pyFloat(0), graph: pyFloat(0),
        source_trust: pyFloat(round(c.breakdown.sourceTrust, 4)), recency: pyFloat(round(c.breakdown.recency, 4)), weighted_total: pyFloat(c.score),
      },
      hop_distance: 0,
      token_estimate: c.tokens,
      from_card: false,
    };
    return { sf, why: c.why };
  });
  const facts = scored.map((s) => s.sf);
  const channels = opts.legacyFormat ? {} : {
    content: facts.filter((f) => f.fact.value.interpret_as !== 'instruction'),
    instructions: facts.filter((f) => f.fact.value.interpret_as === 'instruction'),
  };
  const { query, ...filters } = body;
  return {
    recall_id: randomUUID(),
    query_hash: createHash('sha256').update(query, 'utf8').digest('hex'),
    facts,
    ...channels,
    total_scored: ranked.length,
    token_budget: body.token_budget ?? 4000,
    tokens_used: used,
    truncated,
    tombstone_notices: [],
    chain_proof: null,
    results: scored.map((s) => ({ fact: s.sf.fact, score: s.sf.score, why: s.why })),
    generated_at: isoFromMs(nowMs),
    query: { query, scope, ...filters },
  };
}
