// Federation routes: peers (register, list, show, re-pin, remove, approve), serving facts to peers, and the audit log.
import { Type } from 'typebox';
import { listAudit } from '../audit/log.js';
import { requirePermission } from '../auth/hook.js';
import { isoFromMs } from '../clock.js';
import { approvalFingerprint } from '../crypto/ed25519.js';
import { recordAudit } from '../audit/log.js';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../errors.js';
import type { App, NodeDeps } from '../server/deps.js';
import { authenticatePeer } from './peerAuth.js';
import { toPeerRecord } from './peers/record.js';
import type { RegisterBody } from './peers/register.js';
import { listPeers, peerById, updatePeer } from './peers/repo.js';
import { addPeer, attachPeerLoops, changePeer, removePeer } from './peers/service.js';
import { PullScheduler } from './scheduler.js';
import { ApproveBody, AuditQuery, ErrorBody, PatchPeerBody, PeerParams, PeerRecord, PullQuery, RegisterPeerBody } from './schemas.js';
import { PAGE_SIGNATURE_HEADER, permittedScopes, REFERENCE_MAX_PAST_MS, servablePage, signedPage } from './serve.js';
import { formatHlc } from '../facts/hlc.js';
import { ingestFacts } from './ingest.js';
import { pushSender } from './pushAuth.js';

const tags = ['federation'];

function classify(body: Record<string, unknown>): RegisterBody {
  if ('trusted_public_key' in body) return { kind: 'pinned', ...(body as { peer_url: string; trusted_public_key: string; allowed_scopes?: string[] }) };
  if ('peer_entity_uri' in body) return { kind: 'manifest', ...(body as { peer_url: string; peer_entity_uri: string; allowed_scopes?: string[] }) };
  return { kind: 'declaration', ...(body as Omit<Extract<RegisterBody, { kind: 'declaration' }>, 'kind'>) };
}

export function registerFederation(app: App, deps: NodeDeps): PullScheduler {
  const scheduler = new PullScheduler(deps);
  attachPeerLoops(deps, scheduler);
  app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', async () => {
    await scheduler.stop();
    await deps.pages.close();
  });

  app.post('/v1/federation/peers', { schema: { tags, summary: 'Register a peer', body: RegisterPeerBody, response: { 201: PeerRecord, 409: ErrorBody, 422: ErrorBody } } }, async (req, reply) => {
    const body = classify(req.body as Record<string, unknown>);
    const principal = body.kind === 'declaration' ? requirePermission(req, 'federate') : requirePermission(req, 'admin', 'admin permission required');
    return reply.code(201).send(toPeerRecord(await addPeer(deps, body, principal.entityUri)));
  });

  app.get('/v1/federation/peers', { schema: { tags, summary: 'List peers', response: { 200: Type.Object({ peers: Type.Array(PeerRecord) }) } } }, async (req) => {
    requirePermission(req, 'federate');
    return { peers: listPeers(deps.db).map(toPeerRecord) };
  });

  app.get('/v1/federation/peers/:id', { schema: { tags, summary: 'Show a peer and its replication status', params: PeerParams, response: { 200: PeerRecord, 404: ErrorBody } } }, async (req) => {
    requirePermission(req, 'federate');
    const row = peerById(deps.db, req.params.id);
    if (!row || row.status === 'removed') throw notFound('peer not found');
    return toPeerRecord(row);
  });

  app.patch('/v1/federation/peers/:id', { schema: { tags, summary: 'Re-pin a peer key, change its scopes or URL', params: PeerParams, body: PatchPeerBody, response: { 200: PeerRecord, 404: ErrorBody, 409: ErrorBody } } }, async (req) => {
    const principal = requirePermission(req, 'admin', 'admin permission required');
    const row = peerById(deps.db, req.params.id);
    if (!row || row.status === 'removed') throw notFound('peer not found');
    return toPeerRecord(await changePeer(deps, row, req.body, principal.entityUri));
  });

  app.delete('/v1/federation/peers/:id', { schema: { tags, summary: 'Remove a peer (replicated facts are kept)', params: PeerParams, response: { 204: Type.Null(), 404: ErrorBody } } }, async (req, reply) => {
    const principal = requirePermission(req, 'admin', 'admin permission required');
    const row = peerById(deps.db, req.params.id);
    if (!row || row.status === 'removed') throw notFound('peer not found');
    removePeer(deps, row, principal.entityUri);
    return reply.code(204).send(null);
  });

  app.post('/v1/federation/peers/:id/approve', { schema: { tags, summary: 'Approve a declared peer by its key fingerprint', params: PeerParams, body: ApproveBody } }, async (req) => {
    const principal = requirePermission(req, 'admin:federation', 'admin:federation required');
    const row = peerById(deps.db, req.params.id);
    if (!row || row.status === 'removed') throw notFound('peer not found');
    if (row.status !== 'pending_approval') throw conflict(`peer is not pending approval (status=${row.status})`);
    const nowMs = deps.clock.nowMs();
    if (req.body.pubkey_fingerprint !== approvalFingerprint(row.trusted_public_key)) {
      recordAudit(deps.db, { category: 'federation', eventType: 'peer_approval_failed', actor: principal.entityUri, peerId: row.id, detail: { node_id: row.node_id, reason: 'fingerprint_mismatch' } }, nowMs);
      throw badRequest('fingerprint mismatch', 'fingerprint_mismatch');
    }
    const approvedAt = isoFromMs(nowMs);
    deps.db.transaction(() => {
      updatePeer(deps.db, row.id, { status: 'active', establishedAt: approvedAt, error: null });
      recordAudit(deps.db, { category: 'federation', eventType: 'peer_approved', actor: principal.entityUri, peerId: row.id, detail: { node_id: row.node_id, approved_by: principal.entityUri } }, nowMs);
    });
    scheduler.kick(row.id);
    return { peer_id: row.id, node_id: row.node_id, status: 'active', approved_at: approvedAt };
  });

  app.get('/v1/federation/facts', { config: { auth: 'peer' }, schema: { tags, summary: 'Pull facts (peer JWT)', querystring: PullQuery } }, async (req, reply) => {
    const { peer, tokenScopes } = authenticatePeer(deps, req);
    if (!deps.config.federationEnabled) throw forbidden('federation_disabled', 'federation_disabled');
    let scopes = permittedScopes(deps, peer, tokenScopes);
    if (scopes.length === 0) throw forbidden('no permitted scopes', 'no_permitted_scopes');
    if (req.query.scope !== undefined) {
      if (!scopes.includes(req.query.scope)) {
        recordAudit(deps.db, { category: 'federation', eventType: 'scope_violation', peerId: peer.id, detail: { requested_scope: req.query.scope, permitted: scopes } }, deps.clock.nowMs());
        throw forbidden('scope not permitted for this peer', 'scope_not_permitted');
      }
      scopes = [req.query.scope];
    }
    const cursor = req.query.cursor ?? null;
    // A peer that registered with the reference's declaration is treated as a reference puller.
    const minHlc = peer.registration === 'declaration' ? formatHlc({ wallMs: deps.clock.nowMs() - REFERENCE_MAX_PAST_MS, counter: 0 }) : null;
    const page = servablePage(deps.db, scopes, cursor, req.query.limit ?? 100, minHlc);
    const { body, signature } = signedPage(deps, page.rows, cursor, page.hasMore);
    return reply.header(PAGE_SIGNATURE_HEADER, signature).type('application/json').send(body);
  });

  app.post('/v1/federation/facts/push', { config: { auth: 'peer' }, schema: { tags, summary: 'Push facts (peer JWT or X-Stigmem-Capability write token; when enabled)', body: Type.Object({ facts: Type.Array(Type.Unknown(), { maxItems: 500 }) }) } }, async (req, reply) => {
    if (!deps.config.pushEnabled) throw new HttpError(405, 'push replication not enabled on this node', 'push_disabled');
    const sender = pushSender(deps, req);
    const r = deps.db.transaction(() => ingestFacts(deps, sender, req.body.facts));
    return reply.code(202).send({ accepted: r.accepted, rejected: r.rejected.length, errors: r.rejected.map((x) => ({ fact_id: x.fact_id, error: x.reason })) });
  });

  app.get('/v1/federation/audit', { schema: { tags, summary: 'Federation audit log, newest first', querystring: AuditQuery } }, async (req) => {
    requirePermission(req, 'federate');
    return listAudit(deps.db, { categories: ['federation'], peerId: req.query.peer_id, eventType: req.query.event_type, cursor: req.query.cursor, limit: req.query.limit ?? 50 });
  });

  return scheduler;
}
