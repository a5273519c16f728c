// The peer screens' operations: the same services as /v1/federation/peers, acting as the org's admin, answered as
// envelopes (a refusal keeps the node's code and words: `peer_exists`, `invalid_public_key`, …).
import type { PeerSummary } from '../../../shared/peers.js';
import { fail, ok } from '../../../shared/result.js';
import { toPeerRecord } from '../federation/peers/record.js';
import { listPeers, peerById, type PeerRow } from '../federation/peers/repo.js';
import { addPeer, changePeer, removePeer } from '../federation/peers/service.js';
import type { NodeDeps } from '../server/deps.js';
import { refusalsAsEnvelopesAsync } from './refusals.js';
import { withValidArgument } from './validArgument.js';

export function toPeerSummary(row: PeerRow): PeerSummary {
  const r = toPeerRecord(row);
  return {
    id: r.id, url: r.peer_url, nodeId: r.node_id, entityUri: r.entity_uri, status: r.status, registration: r.registration, allowedScopes: r.allowed_scopes,
    publicKey: r.trusted_public_key, fingerprint: r.human_fingerprint, lastPull: r.last_pull, pullLagMs: r.pull_lag_ms, error: r.error,
    factsReceived: r.facts_received, factsRejected: r.facts_rejected,
  };
}

function livePeer(deps: NodeDeps, id: string): PeerRow | null {
  const row = peerById(deps.db, id);
  return row && row.status !== 'removed' ? row : null;
}

const NO_PEER = 'no such peer (it may have been removed)';

export const PEER_HANDLERS = {
  'peers:list': withValidArgument('peers:list', (deps) => ok(listPeers(deps.db).map(toPeerSummary))),
  'peers:add': withValidArgument('peers:add', (deps, args) =>
    refusalsAsEnvelopesAsync(async () => toPeerSummary(await addPeer(deps, { kind: 'pinned', peer_url: args.url, trusted_public_key: args.publicKey, ...(args.allowedScopes ? { allowed_scopes: args.allowedScopes } : {}) }, deps.orgEntityUri))),
  ),
  'peers:repin': withValidArgument('peers:repin', (deps, args) => {
    const row = livePeer(deps, args.id);
    if (row === null) return fail('not_found', NO_PEER);
    return refusalsAsEnvelopesAsync(async () => toPeerSummary(await changePeer(deps, row, { trusted_public_key: args.publicKey }, deps.orgEntityUri)));
  }),
  'peers:remove': withValidArgument('peers:remove', (deps, args) => {
    const row = livePeer(deps, args.id);
    if (row === null) return fail('not_found', NO_PEER);
    removePeer(deps, row, deps.orgEntityUri);
    return ok({ id: row.id, factsRetained: row.facts_received });
  }),
};
