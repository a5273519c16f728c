// Authenticating a peer's request: its JWT, the active registration it names, and the nonce it may use once.
import type { FastifyRequest } from 'fastify';
import { auditThrottle, recordAudit } from '../audit/log.js';
import { fromBase64Url } from '../crypto/base64url.js';
import { sql } from '../db/sql.js';
import { HttpError } from '../errors.js';
import type { NodeDeps } from '../server/deps.js';
import { checkPeerToken, decodePeerToken, MAX_IAT_AGE_MS } from './peerToken.js';
import { activePeerByNodeId, type PeerRow } from './peers/repo.js';
import { MAX_AUTHORIZATION_BYTES } from '../auth/hook.js';
import { clientCertificateOf } from '../server/tls.js';
import { callerNetwork } from '../auth/callerNetwork.js';

const refusalsAllowed = auditThrottle();

/** A claimed issuer is kept to this many characters in the log: it is the caller's text, up to the header's 16 KiB. */
export const MAX_AUDITED_ISS_CHARS = 256;

/**
 * Refusals are audited, but one caller cannot flood the log: at most one row a minute per reason and registered peer,
 * or, for a token naming no registered peer, per reason and address (the claimed issuer is the caller's to vary).
 */
function auditRefusal(deps: NodeDeps, req: FastifyRequest, eventType: string, peerId: string | null, detail: Record<string, unknown>): void {
  const nowMs = deps.clock.nowMs();
  const caller = peerId !== null ? `peer:${peerId}` : `address:${callerNetwork(req.ip)}`;
  if (!refusalsAllowed(`${eventType}|${String(detail['reason'])}|${caller}`, nowMs)) return;
  const iss = typeof detail['iss'] === 'string' ? detail['iss'].slice(0, MAX_AUDITED_ISS_CHARS) : detail['iss'];
  recordAudit(deps.db, { category: 'federation', eventType, actor: req.ip, peerId, detail: { ...detail, iss } }, nowMs);
}

const MTLS_REQUIRED = "Federation transport requires mutual TLS: connect over HTTPS with this node's federation CA's certificate for your node id";

const refuse = (detail: string): HttpError => new HttpError(401, detail, 'peer_auth_failed', { 'WWW-Authenticate': 'Bearer' });

export interface AuthenticatedPeer {
  peer: PeerRow;
  tokenScopes: string[];
}

/** `quiet`: refusals are not audited (the push route tries a JWT before a capability token, as the reference does). */
export function authenticatePeer(deps: NodeDeps, req: FastifyRequest, opts: { quiet?: boolean } = {}): AuthenticatedPeer {
  const audit = opts.quiet === true ? () => undefined : auditRefusal;
  // Under mTLS a peer connects with a certificate the federation's CA signed (the reference refuses it at the handshake).
  const cert = deps.config.tls === null ? null : clientCertificateOf(req);
  if (deps.config.tls !== null && (cert === null || !cert.verified)) throw new HttpError(421, MTLS_REQUIRED, 'mtls_required');
  const header = req.headers.authorization ?? '';
  if (Buffer.byteLength(header) > MAX_AUTHORIZATION_BYTES) throw new HttpError(401, 'Authorization header exceeds 16 KiB', 'token_too_large');
  if (!/^bearer /i.test(header)) throw refuse('peer token required');
  const decoded = decodePeerToken(header.slice(7).trim());
  if (!decoded) throw refuse('malformed token');
  const iss = typeof decoded.claims['iss'] === 'string' ? decoded.claims['iss'] : '';
  const peer = iss ? activePeerByNodeId(deps.db, iss) : undefined;
  if (!peer) {
    audit(deps, req, 'rejected_token', null, { reason: 'peer_not_found', iss });
    throw refuse('peer not registered');
  }
  if (peer.status !== 'active') {
    audit(deps, req, 'rejected_token', peer.id, { reason: 'peer_not_approved', iss, status: peer.status });
    throw refuse('peer_not_approved');
  }
  const nowMs = deps.clock.nowMs();
  const leewayMs = deps.config.peerTokenLeewayS * 1000;
  const result = checkPeerToken(decoded, {
    peerPublicKey: fromBase64Url(peer.trusted_public_key) ?? new Uint8Array(),
    ourNodeId: deps.nodeId,
    peerNodeId: peer.node_id ?? '',
    nowMs,
    leewayMs,
  });
  if (!result.ok) {
    audit(deps, req, result.reason === 'invalid_signature' ? 'signature_mismatch' : 'rejected_token', peer.id, { reason: result.reason, iss });
    throw refuse(result.reason);
  }
  // The certificate must be this peer's own: a peer's token presented over another node's certificate is refused.
  if (cert !== null && !cert.uris.includes(peer.node_id ?? '')) {
    audit(deps, req, 'san_mismatch', peer.id, { reason: 'san_mismatch', iss, node_id: peer.node_id, certificate_uris: cert.uris.slice(0, 10) });
    throw refuse('peer certificate URI SAN does not match node_id');
  }
  // Remembered while the token could still be accepted (its exp, or its iat's 24 h), in whole ms: exp may be any number.
  const lastAccepted = Math.min(result.claims.exp + leewayMs, result.claims.iat + MAX_IAT_AGE_MS);
  const expiresAt = Math.ceil(Math.max(lastAccepted, nowMs + deps.config.nonceWindowS * 1000));
  const fresh = deps.db.transaction(() => {
    deps.db.run(sql`DELETE FROM peer_nonces WHERE expires_at_ms < ${nowMs}`);
    return deps.db.run(sql`INSERT INTO peer_nonces (nonce, peer_id, expires_at_ms) VALUES (${result.claims.nonce}, ${peer.id}, ${expiresAt})
      ON CONFLICT(nonce) DO NOTHING`).changes === 1;
  });
  if (!fresh) {
    audit(deps, req, 'replay_attempt', peer.id, { reason: 'nonce_already_seen', iss });
    throw refuse('nonce_already_seen');
  }
  return { peer, tokenScopes: result.claims.scopes };
}
