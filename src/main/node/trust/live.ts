// Reads report effective confidence beside confidence: the shown confidence times the source's live trust score (the
// stored source_trust stays the snapshot taken at ingest). Facts never scored (local writes) report null.
import type { FactRow } from '../facts/repo.js';
import type { NodeDeps } from '../server/deps.js';
import { roundScore, scoreSource, type TrustVia } from './score.js';

type LiveDeps = Pick<NodeDeps, 'db' | 'config' | 'clock'>;

/** A per-request function giving a scored fact's source trust as it is now; scores are computed once per (source, scope, via). */
export function liveSourceTrust(deps: LiveDeps): (row: FactRow) => number | null {
  if (deps.config.trustMode === 'off') return () => null;
  const memo = new Map<string, number>();
  return (row) => {
    if (row.source_trust === null) return null;
    // Federation ingest records the origin node; a capability-token write has none.
    const via: TrustVia = row.origin_node_id !== null ? 'federation' : 'token';
    const key = JSON.stringify([row.source, row.scope, via]);
    let t = memo.get(key);
    if (t === undefined) {
      t = scoreSource(deps, { source: row.source, scope: row.scope, via }).score;
      memo.set(key, t);
    }
    return t;
  };
}

/** A per-request function giving effective confidence: the shown confidence (0 once rejected) times live trust. */
export function liveEffectiveConfidence(deps: LiveDeps, trust = liveSourceTrust(deps)): (row: FactRow) => number | null {
  return (row) => {
    const t = trust(row);
    if (t === null) return null;
    const shownConfidence = row.quarantine_status === 'rejected' ? 0 : row.confidence;
    return roundScore(shownConfidence * t);
  };
}
