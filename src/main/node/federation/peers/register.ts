// Registering a peer in any of the three forms (CONTRACT.md "Peers"), and re-verifying it after a PATCH.
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../audit/log.js';
import { isoFromMs } from '../../clock.js';
import { normaliseKey } from '../../crypto/base64url.js';
import { approvalFingerprint } from '../../crypto/ed25519.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { NodeDeps } from '../../server/deps.js';
import { declarationSignedBy, fetchDiscovery, matchesPin, type PeerDiscovery } from '../discovery.js';
import { PeerHttpError } from '../http.js';
import { fetchPeerManifest, PeerManifestError, storePeerManifest, verifyPeerManifest } from '../peerManifest.js';
import { checkAllowedScopes } from '../scopes.js';
import { insertPeer, livePeerFor, markRemoved, peerById, REPLACEABLE_STATUSES, updatePeer, type PeerRow, type PeerStatus, type Registration } from './repo.js';

export type RegisterBody =
  | { kind: 'pinned'; peer_url: string; trusted_public_key: string; allowed_scopes?: string[] }
  | { kind: 'manifest'; peer_url: string; peer_entity_uri: string; allowed_scopes?: string[] }
  | { kind: 'declaration'; node_url: string; node_id: string; federation_pubkey: string; allowed_scopes: string[]; declaration_sig: string; signed_at: string };

interface Outcome {
  status: PeerStatus;
  nodeId: string | null;
  entityUri: string | null;
  pin: string;
  error: string | null;
  /** Audit event and detail describing the outcome. */
  event: { type: string; detail: Record<string, unknown> };
}

function reachFailure(e: unknown): string {
  if (e instanceof PeerHttpError) return `unreachable: ${e.message}`;
  if (e instanceof Error) return `unreachable: ${e.message}`;
  return 'unreachable';
}

async function verifyPinned(peerUrl: string, pin: string): Promise<Outcome> {
  let d: PeerDiscovery;
  try {
    d = await fetchDiscovery(peerUrl);
  } catch (e) {
    return { status: 'unreachable', nodeId: null, entityUri: null, pin, error: reachFailure(e), event: { type: 'peer_registered', detail: { status: 'unreachable' } } };
  }
  if (matchesPin(d, pin)) {
    return { status: 'active', nodeId: d.nodeId, entityUri: d.entityUri, pin, error: null, event: { type: 'peer_registered', detail: { status: 'active', node_id: d.nodeId } } };
  }
  return {
    status: 'key_mismatch', nodeId: d.nodeId, entityUri: d.entityUri, pin, error: 'signature_mismatch',
    event: { type: 'signature_mismatch', detail: { node_id: d.nodeId, pinned_fingerprint: approvalFingerprint(pin), presented_fingerprint: d.federationKey ? approvalFingerprint(d.federationKey) : null } },
  };
}

async function verifyByManifest(deps: NodeDeps, peerUrl: string, entity: string, signal?: AbortSignal): Promise<Outcome> {
  const fail = (status: PeerStatus, error: string, pin = ''): Outcome => ({ status, nodeId: null, entityUri: entity, pin, error, event: { type: status === 'unreachable' ? 'peer_registered' : 'signature_mismatch', detail: { status, reason: error } } });
  let d: PeerDiscovery;
  let doc: unknown;
  try {
    d = await fetchDiscovery(peerUrl, signal);
    doc = await fetchPeerManifest(peerUrl, entity, signal);
  } catch (e) {
    // Not published yet (or not served for now): tried again each cycle until it is, like an unreachable peer.
    if (e instanceof PeerManifestError) return fail('unreachable', `manifest_unavailable: ${e.message}`);
    return fail('unreachable', reachFailure(e));
  }
  const nowMs = deps.clock.nowMs();
  let verified;
  try {
    verified = verifyPeerManifest(doc, entity, nowMs, deps);
  } catch (e) {
    return fail('key_mismatch', `manifest_invalid: ${(e as Error).message}`);
  }
  const manifestKey = normaliseKey(verified.manifest.public_key);
  if (!d.federationKey || !d.orgKey || d.orgKey !== manifestKey) return fail('key_mismatch', 'signature_mismatch', d.federationKey ?? '');
  if (d.declaration && d.declarationSig && !declarationSignedBy(d.declaration, d.declarationSig, d.federationKey)) return fail('key_mismatch', 'signature_mismatch', d.federationKey);
  try {
    storePeerManifest(deps, verified, nowMs, `peer:${d.nodeId ?? peerUrl}`);
  } catch (e) {
    return fail('key_mismatch', `manifest_rejected: ${(e as Error).message}`, d.federationKey);
  }
  return { status: 'active', nodeId: d.nodeId, entityUri: entity, pin: d.federationKey, error: null, event: { type: 'peer_registered', detail: { status: 'active', node_id: d.nodeId, entity_uri: entity } } };
}

async function verifyDeclaration(b: Extract<RegisterBody, { kind: 'declaration' }>, pin: string): Promise<Outcome> {
  const declaration = { node_url: b.node_url, node_id: b.node_id, federation_pubkey: b.federation_pubkey, allowed_scopes: b.allowed_scopes, signed_at: b.signed_at };
  const rejected = (reason: string): Outcome => ({ status: 'rejected', nodeId: b.node_id, entityUri: null, pin, error: reason, event: { type: 'peer_registered', detail: { status: 'rejected', node_id: b.node_id, reason } } });
  if (!declarationSignedBy(declaration, b.declaration_sig, pin)) return rejected('declaration signature does not verify');
  try {
    const d = await fetchDiscovery(b.node_url);
    if (d.federationKey !== pin) return rejected('the peer serves a different federation key');
  } catch (e) {
    return rejected(reachFailure(e));
  }
  return { status: 'pending_approval', nodeId: b.node_id, entityUri: null, pin, error: null, event: { type: 'peer_registered', detail: { status: 'pending_approval', node_id: b.node_id } } };
}

/** Register (or replace a removed/rejected/mismatched registration of) a peer; 409 if it is already live. */
export async function registerPeer(deps: NodeDeps, body: RegisterBody, actor: string): Promise<PeerRow> {
  const nodeUrl = (body.kind === 'declaration' ? body.node_url : body.peer_url).replace(/\/+$/, '');
  const scopes = body.kind === 'declaration' ? body.allowed_scopes.filter((s) => s !== 'local').sort() : checkAllowedScopes(body.allowed_scopes, deps.config.allowTeam);
  let pin = '';
  if (body.kind !== 'manifest') {
    const raw = body.kind === 'pinned' ? body.trusted_public_key : body.federation_pubkey;
    pin = normaliseKey(raw) ?? '';
    if (!pin) throw unprocessable('the public key must be a base64url 32-byte Ed25519 key', 'invalid_public_key');
  }
  const existingByUrl = livePeerFor(deps.db, body.kind === 'declaration' ? body.node_id : null, nodeUrl);
  if (existingByUrl && !REPLACEABLE_STATUSES.includes(existingByUrl.status)) throw conflict(`peer already registered (status=${existingByUrl.status})`, 'peer_exists');

  const outcome = body.kind === 'pinned' ? await verifyPinned(nodeUrl, pin) : body.kind === 'manifest' ? await verifyByManifest(deps, nodeUrl, body.peer_entity_uri) : await verifyDeclaration(body, pin);
  const nowMs = deps.clock.nowMs();
  const now = isoFromMs(nowMs);
  const id = randomUUID();
  deps.db.transaction(() => {
    const live = livePeerFor(deps.db, outcome.nodeId, nodeUrl);
    if (live && !REPLACEABLE_STATUSES.includes(live.status)) throw conflict(`peer already registered (status=${live.status})`, 'peer_exists');
    if (live) markRemoved(deps.db, live.id, now);
    insertPeer(deps.db, {
      id, nodeId: outcome.nodeId, nodeUrl, entityUri: outcome.entityUri, trustedPublicKey: outcome.pin || pin, status: outcome.status,
      registration: body.kind as Registration, allowedScopes: scopes, declaration: body.kind === 'declaration' ? JSON.stringify(body) : null,
      createdAt: now, establishedAt: outcome.status === 'active' ? now : null, error: outcome.error,
    });
    recordAudit(deps.db, { category: 'federation', eventType: outcome.event.type, actor, peerId: id, detail: { ...outcome.event.detail, peer_url: nodeUrl } }, nowMs);
  });
  return peerById(deps.db, id)!;
}

const PEER_CHANGED = 'the peer was changed by another request while this change was being verified; nothing was changed: read the peer again and retry';

/** Whether the operator's terms of a peer (key, URL, scopes) are still those of `before`. */
function sameTerms(now: PeerRow, before: PeerRow): boolean {
  return now.trusted_public_key === before.trusted_public_key && now.node_url === before.node_url && now.allowed_scopes === before.allowed_scopes;
}

/** PATCH: change the pin, scopes or URL, then verify again (pinned and manifest peers). */
export async function repinPeer(deps: NodeDeps, row: PeerRow, patch: { trusted_public_key?: string; allowed_scopes?: string[]; peer_url?: string }, actor: string): Promise<PeerRow> {
  const pin = patch.trusted_public_key !== undefined ? normaliseKey(patch.trusted_public_key) : row.trusted_public_key;
  if (!pin) throw unprocessable('trusted_public_key must be a base64url 32-byte Ed25519 key', 'invalid_public_key');
  const scopes = patch.allowed_scopes !== undefined ? checkAllowedScopes(patch.allowed_scopes, deps.config.allowTeam) : undefined;
  const nodeUrl = (patch.peer_url ?? row.node_url).replace(/\/+$/, '');
  let outcome: Outcome;
  if (row.registration === 'manifest' && row.entity_uri && patch.trusted_public_key === undefined) outcome = await verifyByManifest(deps, nodeUrl, row.entity_uri);
  else if (row.registration === 'declaration' && row.status === 'pending_approval') outcome = { status: 'pending_approval', nodeId: row.node_id, entityUri: row.entity_uri, pin, error: null, event: { type: 'peer_repinned', detail: {} } };
  else outcome = await verifyPinned(nodeUrl, pin);
  const nowMs = deps.clock.nowMs();
  deps.db.transaction(() => {
    // The peer as it is now, not as it was before the verification above: removed or changed meanwhile, this change loses.
    const current = peerById(deps.db, row.id);
    if (!current || current.status === 'removed') throw notFound('peer not found (it was removed while this change was being verified)');
    if (!sameTerms(current, row)) throw conflict(PEER_CHANGED, 'peer_changed');
    updatePeer(deps.db, row.id, {
      trustedPublicKey: outcome.pin || pin, nodeUrl, ...(scopes ? { allowedScopes: scopes } : {}), status: outcome.status,
      // Another URL may be another implementation: whether it signs its pages is learnt again.
      ...(nodeUrl !== row.node_url ? { signsPages: false } : {}),
      // A URL now answered by another node, under another key, does not make this peer that node.
      nodeId: outcome.status === 'active' ? (outcome.nodeId ?? row.node_id) : (row.node_id ?? outcome.nodeId), error: outcome.error, ...(outcome.status === 'active' && !row.established_at ? { establishedAt: isoFromMs(nowMs) } : {}),
    });
    recordAudit(deps.db, { category: 'federation', eventType: 'peer_repinned', actor, peerId: row.id, detail: { status: outcome.status, fingerprint: approvalFingerprint(outcome.pin || pin), ...(scopes ? { allowed_scopes: scopes } : {}) } }, nowMs);
    if (outcome.event.type === 'signature_mismatch') recordAudit(deps.db, { category: 'federation', eventType: 'signature_mismatch', actor, peerId: row.id, detail: outcome.event.detail }, nowMs);
  });
  return peerById(deps.db, row.id)!;
}

/**
 * Each cycle, a peer registered by its entity whose manifest could not be verified yet (so no key is pinned) is
 * verified again; once it is, its key is pinned from the manifest and it becomes active.
 */
export async function reverifyByManifest(deps: NodeDeps, row: PeerRow, signal: AbortSignal): Promise<void> {
  if (row.registration !== 'manifest' || row.entity_uri === null || row.trusted_public_key !== '') return;
  const outcome = await verifyByManifest(deps, row.node_url, row.entity_uri, signal);
  if (signal.aborted) return;
  const nowMs = deps.clock.nowMs();
  deps.db.transaction(() => {
    const current = peerById(deps.db, row.id);
    if (!current || current.trusted_public_key !== '' || !['unreachable', 'key_mismatch'].includes(current.status)) return;
    updatePeer(deps.db, row.id, {
      status: outcome.status, error: outcome.error, trustedPublicKey: outcome.pin, nodeId: outcome.nodeId ?? current.node_id,
      ...(outcome.status === 'active' ? { establishedAt: isoFromMs(nowMs) } : {}),
    });
    if (outcome.status === 'active') recordAudit(deps.db, { category: 'federation', eventType: 'peer_verified', peerId: row.id, detail: { status: 'active', node_id: outcome.nodeId, entity_uri: row.entity_uri } }, nowMs);
  });
}
