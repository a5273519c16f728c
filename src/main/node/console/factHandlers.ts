// The Facts screen's operations: a search with GET /v1/facts's filters and hiding rules (as the org's admin, so every
// garden), and one fact in full: its record as served, its CID computed again, and its provenance report.
import type { RecentFact } from '../../../shared/contract.js';
import type { FactDetail, FactSearch, FactSearchPage } from '../../../shared/facts.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { cidOfRow, isWellFormedCid, looksLikeCid } from '../facts/cid.js';
import { normaliseOrRaw } from '../facts/normalise.js';
import { queryFacts } from '../facts/query.js';
import { toWireRecord } from '../facts/record.js';
import { encodeWireRecord } from '../facts/recordJson.js';
import { factRowByCid, factRowById, type FactRow } from '../facts/repo.js';
import { HttpError } from '../errors.js';
import { indentJson } from '../json/indent.js';
import { encodeJson } from '../json/pyjson.js';
import { attestationChains } from '../provenance/store.js';
import { provenanceReport } from '../provenance/report.js';
import type { NodeDeps } from '../server/deps.js';
import { liveEffectiveConfidence } from '../trust/live.js';
import { displayValue } from './display.js';
import { withValidArgument } from './validArgument.js';

function summaryOf(r: FactRow): RecentFact {
  return { id: r.id, entity: r.entity, relation: r.relation, value: displayValue(r.value_type, r.value_v), valueType: r.value_type, source: r.source, scope: r.scope, timestamp: r.timestamp };
}

function search(deps: NodeDeps, q: FactSearch): Result<FactSearchPage> {
  try {
    const page = queryFacts(deps.db, {
      entity: q.entity === undefined ? undefined : normaliseOrRaw(q.entity),
      relation: q.relation,
      source: q.source === undefined ? undefined : normaliseOrRaw(q.source),
      scope: q.scope,
      minConfidence: 0, includeContradicted: false, includeExpired: false, includeRetracted: false,
      nowMs: deps.clock.nowMs(),
    }, { limit: q.limit, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) });
    return ok({ facts: page.rows.map(summaryOf), total: page.total, cursor: page.cursor });
  } catch (e) {
    // A cursor from elsewhere is the caller's mistake, said as the route says it.
    if (e instanceof HttpError && e.status < 500) return fail('validation_failed', typeof e.detail === 'string' ? e.detail : 'cursor is not one this node gave out');
    throw e;
  }
}

function detail(deps: NodeDeps, ref: string): Result<FactDetail> {
  if (looksLikeCid(ref) && !isWellFormedCid(ref)) return fail('validation_failed', "a CID is 'sha256:' followed by 64 hex characters");
  const row = looksLikeCid(ref) ? factRowByCid(deps.db, ref) : factRowById(deps.db, ref);
  if (!row) return fail('not_found', 'no fact on this node has this id or CID');
  const computed = cidOfRow(row);
  const record = toWireRecord(row, { attestationChain: attestationChains(deps.db, [row.id]).get(row.id), effectiveConfidence: liveEffectiveConfidence(deps)(row) });
  return ok({
    fact: { ...summaryOf(row), cid: row.cid, confidence: row.confidence, hlc: row.hlc, receivedFrom: row.received_from, gardenId: row.garden_id, quarantineGardenId: row.quarantine_garden_id },
    record: indentJson(encodeWireRecord(record)),
    cid: { isValid: computed === row.cid, computed },
    provenance: indentJson(encodeJson(provenanceReport(deps, row))),
  });
}

export const FACT_HANDLERS = {
  'facts:search': withValidArgument('facts:search', (deps, q) => search(deps, q)),
  'facts:detail': withValidArgument('facts:detail', (deps, args) => detail(deps, args.id)),
};
