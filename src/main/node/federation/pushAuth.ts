// Who may push (REFERENCE-NODE.md §6.3): a registered peer under its JWT, or the subject of a `write` capability token
// sent in X-Stigmem-Capability. A JWT is tried first; with a token present, a failing JWT falls through unaudited.
import type { FastifyRequest } from 'fastify';
import { auditThrottle, recordAudit } from '../audit/log.js';
import { HttpError } from '../errors.js';
import type { NodeDeps } from '../server/deps.js';
import { CAPABILITY_HEADER, capabilityHeaderText, verifiedCapability } from '../tokens/principal.js';
import { authenticatePeer, MAX_AUDITED_ISS_CHARS } from './peerAuth.js';
import { peerSender, tokenSender, type Sender } from './sender.js';
import { callerNetwork } from '../auth/callerNetwork.js';

const unauthorized = (detail: string, code: string): HttpError => new HttpError(401, detail, code, { 'WWW-Authenticate': 'Bearer' });

const rejectionsAllowed = auditThrottle();

/** A refused token is audited at most once a minute per reason and address: its issuer is the caller's to vary. */
function auditRejection(deps: NodeDeps, address: string, reason: string, issuer: string | null): void {
  const nowMs = deps.clock.nowMs();
  if (rejectionsAllowed(`${reason}|${callerNetwork(address)}`, nowMs)) recordAudit(deps.db, { category: 'identity', eventType: 'capability_rejected', actor: address, detail: { route: 'push', reason, issuer: issuer?.slice(0, MAX_AUDITED_ISS_CHARS) ?? null } }, nowMs);
}

function tokenPushSender(deps: NodeDeps, req: FastifyRequest, text: string): Sender {
  const t = verifiedCapability(deps, text, (v) => auditRejection(deps, req.ip, v.reason, v.token?.issuer ?? null)).token;
  if (t.verb !== 'write') throw new HttpError(403, "insufficient_capability: token verb must be 'write' for push", 'insufficient_capability');
  recordAudit(deps.db, { category: 'identity', eventType: 'capability_verified', actor: t.subject, subject: t.token_id, detail: { route: 'push', issuer: t.issuer, object: t.object } }, deps.clock.nowMs());
  return tokenSender(deps, t);
}

export function pushSender(deps: NodeDeps, req: FastifyRequest): Sender {
  const hasCapability = req.headers[CAPABILITY_HEADER] !== undefined;
  const hasBearer = /^bearer /i.test(req.headers.authorization ?? '');
  if (!hasCapability) {
    if (!hasBearer) throw unauthorized('peer token or X-Stigmem-Capability header required', 'unauthorized');
    return peerSender(deps, authenticatePeer(deps, req).peer); // refusals audited, as on the pull route
  }
  if (hasBearer) {
    try {
      return peerSender(deps, authenticatePeer(deps, req, { quiet: true }).peer);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
    }
  }
  return tokenPushSender(deps, req, capabilityHeaderText(req)!);
}
