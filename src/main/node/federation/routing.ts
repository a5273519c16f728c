// Where an incoming fact goes: the trust snapshot to store with it and, below the threshold, the quarantine garden.
import { quarantineSink } from '../quarantine/sink.js';
import type { NodeDeps } from '../server/deps.js';
import { scoreSource, type TrustOrigin } from '../trust/score.js';
import { noteSourceSeen } from '../trust/store.js';

export interface IncomingRoute {
  sourceTrust: number | null;
  quarantineGardenId: string | null;
  quarantineReason: string | null;
  /** How the score was reached (null when trust mode is off). */
  trustOrigin: TrustOrigin | null;
}

/** The reason a quarantined fact carries, with t to two decimals (the tutorial's exact text). */
export function autoQuarantineReason(t: number): string {
  return `auto-quarantine: source_trust below threshold (t=${t.toFixed(2)})`;
}

/** Score a federated or token-written fact's source; below the threshold (in every mode but off) it goes to quarantine. */
export function routeIncomingFact(deps: NodeDeps, fact: { source: string; scope: string; via: 'federation' | 'token' }): IncomingRoute {
  const route = scoreIncomingFact(deps, fact);
  if (route.sourceTrust !== null) noteSourceSeen(deps.db, { source: fact.source, scope: fact.scope, via: fact.via, score: route.sourceTrust, nowMs: deps.clock.nowMs() });
  return route;
}

/** routeIncomingFact without noting the source as seen (bulk ingest notes each source once per page). */
export function scoreIncomingFact(deps: NodeDeps, fact: { source: string; scope: string; via: 'federation' | 'token' }): IncomingRoute {
  if (deps.config.trustMode === 'off') return { sourceTrust: null, quarantineGardenId: null, quarantineReason: null, trustOrigin: null };
  const t = scoreSource(deps, fact);
  if (t.score >= deps.config.quarantineThreshold) return { sourceTrust: t.score, quarantineGardenId: null, quarantineReason: null, trustOrigin: t.origin };
  return { sourceTrust: t.score, quarantineGardenId: quarantineSink(deps).garden.id, quarantineReason: autoQuarantineReason(t.score), trustOrigin: t.origin };
}
