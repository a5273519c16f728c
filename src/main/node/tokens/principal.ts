// A capability token as a request's credential: `Authorization: Bearer <token JSON>` or `X-Stigmem-Capability`.
// It is checked during authentication (before routing), so a bad token is a 401 on every /v1 path, and a good one
// may only write facts.
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/permissions.js';
import { HttpError } from '../errors.js';
import type { NodeDeps } from '../server/deps.js';
import { MAX_TOKEN_BYTES } from './format.js';
import { verifyCapabilityToken, type TokenVerdict, type VerifiedToken } from './verify.js';

export const CAPABILITY_HEADER = 'x-stigmem-capability';

const unauthorized = (detail: string, code: string): HttpError => new HttpError(401, detail, code, { 'WWW-Authenticate': 'Bearer' });

/** The X-Stigmem-Capability header's token text, or null when there is none; an empty one is a 401. */
export function capabilityHeaderText(req: FastifyRequest): string | null {
  const header = req.headers[CAPABILITY_HEADER];
  if (header === undefined) return null;
  if (typeof header !== 'string' || header.trim() === '') throw unauthorized('X-Stigmem-Capability must carry one capability token', 'capability_token_invalid');
  return header.trim();
}

/** The token text a request presents, or null when it presents none (an API key or nothing). */
function presentedToken(req: FastifyRequest, bearer: string | null): string | null {
  if (bearer !== null) return bearer.startsWith('{') ? bearer : null;
  return capabilityHeaderText(req);
}

/** A presented token, verified; 401 when it is too large or invalid (`onInvalid` hears why first). */
export function verifiedCapability(deps: Pick<NodeDeps, 'db' | 'clock'>, text: string, onInvalid?: (v: Extract<TokenVerdict, { valid: false }>) => void): VerifiedToken {
  if (Buffer.byteLength(text) > MAX_TOKEN_BYTES) throw unauthorized('capability token exceeds 16 KiB', 'token_too_large');
  const verdict = verifyCapabilityToken(deps, text);
  if (verdict.valid) return verdict.verified;
  onInvalid?.(verdict);
  throw unauthorized(`capability token invalid: ${verdict.reason}`, 'capability_token_invalid');
}

/** The caller acting under a verified capability token, or null when the request presents none; throws 401/403. */
export function capabilityPrincipal(deps: Pick<NodeDeps, 'db' | 'clock'>, req: FastifyRequest, bearer: string | null): Principal | null {
  const text = presentedToken(req, bearer);
  if (text === null) return null;
  const verified = verifiedCapability(deps, text);
  if (req.method !== 'POST' || req.routeOptions.url !== '/v1/facts') {
    throw new HttpError(403, 'insufficient_capability: a capability token only authorises POST /v1/facts', 'insufficient_capability');
  }
  const t = verified.token;
  return {
    kind: 'capability',
    entityUri: t.subject,
    permissions: new Set(['write']),
    apiKeyId: null,
    capability: { tokenId: t.token_id, issuer: t.issuer, subject: t.subject, verb: t.verb, object: t.object, expiry: t.expiry, tokenJson: text },
  };
}
