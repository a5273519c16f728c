// What the peer routes and the admin screens both do to a peer: the pull loop starts, restarts or stops at once,
// and the change is audited the same way whichever door it came through.
import { recordAudit } from '../../audit/log.js';
import { isoFromMs } from '../../clock.js';
import type { NodeDeps } from '../../server/deps.js';
import { registerPeer, repinPeer, type RegisterBody } from './register.js';
import { markRemoved, type PeerRow } from './repo.js';

/** The node's pull loops, as far as a peer change needs them. */
export interface PeerLoops {
  kick(peerId: string): void;
  remove(peerId: string): void;
}

const loopsOf = new WeakMap<NodeDeps, PeerLoops>();

export function attachPeerLoops(deps: NodeDeps, loops: PeerLoops): void {
  loopsOf.set(deps, loops);
}

function loops(deps: NodeDeps): PeerLoops | undefined {
  return loopsOf.get(deps);
}

export async function addPeer(deps: NodeDeps, body: RegisterBody, actor: string): Promise<PeerRow> {
  const row = await registerPeer(deps, body, actor);
  if (row.status === 'active' || row.status === 'unreachable') loops(deps)?.kick(row.id);
  return row;
}

export async function changePeer(deps: NodeDeps, row: PeerRow, patch: Parameters<typeof repinPeer>[2], actor: string): Promise<PeerRow> {
  const updated = await repinPeer(deps, row, patch, actor);
  loops(deps)?.kick(updated.id);
  return updated;
}

/** Stop pulling from the peer at once (an in-flight request is aborted); the facts it sent are kept. */
export function removePeer(deps: NodeDeps, row: PeerRow, actor: string): void {
  loops(deps)?.remove(row.id);
  const nowMs = deps.clock.nowMs();
  deps.db.transaction(() => {
    markRemoved(deps.db, row.id, isoFromMs(nowMs));
    recordAudit(deps.db, { category: 'federation', eventType: 'peer_removed', actor, peerId: row.id, detail: { node_id: row.node_id, facts_retained: row.facts_received } }, nowMs);
  });
}
