// Each fact a peer sends that is refused is audited on its own, up to a budget per peer: a hostile or broken peer
// sending page after page of bad facts would otherwise write an audit row per fact and fill the disk. Beyond the budget
// the refusals are counted by reason and written as one summary a minute; the peer's facts_rejected keeps the total.
import { recordAudit } from '../audit/log.js';
import type { NodeDeps } from '../server/deps.js';

/** Individual rejected_fact events per peer per window. */
export const INDIVIDUAL_PER_WINDOW = 100;
export const WINDOW_MS = 10 * 60_000;
export const SUMMARY_EVERY_MS = 60_000;

interface PeerBudget {
  windowStartMs: number;
  individual: number;
  suppressed: Map<string, number>;
  lastSummaryMs: number;
}

const budgets = new WeakMap<object, Map<string, PeerBudget>>();

function budgetOf(deps: Pick<NodeDeps, 'db'>, key: string, nowMs: number): PeerBudget {
  let perPeer = budgets.get(deps.db);
  if (!perPeer) budgets.set(deps.db, (perPeer = new Map()));
  let b = perPeer.get(key);
  if (!b) perPeer.set(key, (b = { windowStartMs: nowMs, individual: 0, suppressed: new Map(), lastSummaryMs: nowMs }));
  if (nowMs - b.windowStartMs >= WINDOW_MS) {
    b.windowStartMs = nowMs;
    b.individual = 0;
  }
  return b;
}

export interface RejectionSender {
  peerId: string | null;
  nodeId: string;
}

/** Audit one refused fact, or count it toward the next summary once the peer's budget is spent. */
export function auditRejection(deps: Pick<NodeDeps, 'db' | 'clock'>, sender: RejectionSender, factId: string | null, reason: string, detail: Record<string, unknown>): void {
  const nowMs = deps.clock.nowMs();
  const b = budgetOf(deps, sender.peerId ?? sender.nodeId, nowMs);
  if (b.individual < INDIVIDUAL_PER_WINDOW) {
    b.individual++;
    recordAudit(deps.db, { category: 'federation', eventType: 'rejected_fact', peerId: sender.peerId, actor: sender.nodeId, subject: factId, detail: { reason, ...detail } }, nowMs);
    return;
  }
  b.suppressed.set(reason, (b.suppressed.get(reason) ?? 0) + 1);
}

/** After a page: write the summary of refusals not audited one by one, at most once a minute per peer. */
export function flushRejectionSummary(deps: Pick<NodeDeps, 'db' | 'clock'>, sender: RejectionSender, force = false): void {
  const nowMs = deps.clock.nowMs();
  const b = budgets.get(deps.db)?.get(sender.peerId ?? sender.nodeId);
  if (!b || b.suppressed.size === 0 || (!force && nowMs - b.lastSummaryMs < SUMMARY_EVERY_MS)) return;
  const reasons = Object.fromEntries(b.suppressed);
  const count = [...b.suppressed.values()].reduce((a, n) => a + n, 0);
  recordAudit(deps.db, { category: 'federation', eventType: 'rejected_facts_summarised', peerId: sender.peerId, actor: sender.nodeId, detail: { count, reasons, since: new Date(b.lastSummaryMs).toISOString() } }, nowMs);
  b.suppressed.clear();
  b.lastSummaryMs = nowMs;
}
