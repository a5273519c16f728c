// Recall reports effective confidence beside confidence: the shown confidence times the source's live trust score
// (the stored source_trust stays the snapshot taken at ingest). Facts never scored (local writes) report null.
import type { FactRow } from '../facts/repo.js';
import type { NodeDeps } from '../server/deps.js';
import { roundScore, scoreSource, type TrustVia } from './score.js';

/** A per-request function; scores are computed once per (source, scope, via). */
export function liveEffectiveConfidence(deps: Pick<NodeDeps, 'db' | 'config' | 'clock'>): (row: FactRow) => number | null {
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
    const shownConfidence = row.quarantine_status === 'rejected' ? 0 : row.confidence;
    return roundScore(shownConfidence * t);
  };
}
