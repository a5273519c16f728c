// Who may push (REFERENCE-NODE.md §6.3): a registered peer under its JWT, or the subject of a `write` capability token
// sent in X-Stigmem-Capability. A JWT is tried first; with a token present, a failing JWT falls through unaudited.
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/log.js';
import { HttpError } from '../errors.js';
import type { NodeDeps } from '../server/deps.js';
import { MAX_TOKEN_BYTES } from '../tokens/format.js';
import { CAPABILITY_HEADER } from '../tokens/principal.js';
import { verifyCapabilityToken } from '../tokens/verify.js';
import { authenticatePeer } from './peerAuth.js';
import { peerSender, tokenSender, type Sender } from './sender.js';

const unauthorized = (detail: string, code: string): HttpError => new HttpError(401, detail, code, { 'WWW-Authenticate': 'Bearer' });

const QUIET_MS = 60_000;
const lastRejection = new Map<string, number>();

/** A refused token is audited at most once a minute per reason and issuer, so nobody can flood the log. */
function auditRejection(deps: NodeDeps, reason: string, issuer: string | null): void {
  const nowMs = deps.clock.nowMs();
  const key = `${reason}|${issuer ?? ''}`;
  if ((lastRejection.get(key) ?? 0) > nowMs - QUIET_MS) return;
  if (lastRejection.size > 10_000) lastRejection.clear();
  lastRejection.set(key, nowMs);
  recordAudit(deps.db, { category: 'identity', eventType: 'capability_rejected', detail: { route: 'push', reason, issuer } }, nowMs);
}

function tokenPushSender(deps: NodeDeps, header: string | string[]): Sender {
  if (typeof header !== 'string' || header.trim() === '') throw unauthorized('X-Stigmem-Capability must carry one capability token', 'capability_token_invalid');
  const text = header.trim();
  if (Buffer.byteLength(text) > MAX_TOKEN_BYTES) throw unauthorized('capability token exceeds 16 KiB', 'token_too_large');
  const verdict = verifyCapabilityToken(deps, text);
  if (!verdict.valid) {
    auditRejection(deps, verdict.reason, verdict.token?.issuer ?? null);
    throw unauthorized(`capability token invalid: ${verdict.reason}`, 'capability_token_invalid');
  }
  const t = verdict.verified.token;
  if (t.verb !== 'write') throw new HttpError(403, "insufficient_capability: token verb must be 'write' for push", 'insufficient_capability');
  recordAudit(deps.db, { category: 'identity', eventType: 'capability_verified', actor: t.subject, subject: t.token_id, detail: { route: 'push', issuer: t.issuer, object: t.object } }, deps.clock.nowMs());
  return tokenSender(deps, t);
}

export function pushSender(deps: NodeDeps, req: FastifyRequest): Sender {
  const capability = req.headers[CAPABILITY_HEADER];
  const hasBearer = /^bearer /i.test(req.headers.authorization ?? '');
  if (capability === undefined) {
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
  return tokenPushSender(deps, capability);
}
