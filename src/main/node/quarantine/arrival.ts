// Every fact that enters quarantine is audited: a `quarantine_ingest` fact event, and for a federated fact a
// `fact_quarantined` event in the federation audit too.
import { recordAudit } from '../audit/log.js';
import type { NodeDeps } from '../server/deps.js';

export interface QuarantineArrival {
  factId: string;
  quarantineGardenId: string;
  reason: string | null;
  sourceTrust: number | null;
  source: string;
  via: 'federation' | 'token';
  /** The peer row a federated fact came from. */
  peerId?: string | null;
  /** Who wrote it (a token's subject, a peer's node id). */
  actor?: string | null;
}

/** Call in the transaction that stored the fact, once it was created. */
export function recordQuarantineArrival(deps: Pick<NodeDeps, 'db' | 'clock'>, a: QuarantineArrival): void {
  const nowMs = deps.clock.nowMs();
  const detail = { quarantine_garden_id: a.quarantineGardenId, reason: a.reason, source_trust: a.sourceTrust, source: a.source, via: a.via };
  recordAudit(deps.db, { category: 'fact', eventType: 'quarantine_ingest', actor: a.actor ?? null, peerId: a.peerId ?? null, subject: a.factId, detail }, nowMs);
  if (a.via === 'federation') {
    recordAudit(deps.db, { category: 'federation', eventType: 'fact_quarantined', actor: a.actor ?? null, peerId: a.peerId ?? null, subject: a.factId, detail }, nowMs);
  }
}
