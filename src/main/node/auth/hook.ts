// Authentication runs on every request before its handler, and before the 404 handler too.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import type { NodeDeps, RouteAuth } from '../server/deps.js';
import { anonymousPrincipal, hasPermission, type Permission, type Principal } from './permissions.js';
import { capabilityPrincipal } from '../tokens/principal.js';
import { callerNetwork } from './callerNetwork.js';

export const MAX_AUTHORIZATION_BYTES = 16 * 1024;

const unauthorized = (detail: string, code = 'unauthorized'): HttpError =>
  new HttpError(401, detail, code, { 'WWW-Authenticate': 'Bearer' });

/** The principal for a presented API key, null for an unknown one; 429 once its address presented too many unknown. */
export async function principalForKey(deps: NodeDeps, req: FastifyRequest, rawKey: string): Promise<Principal | null> {
  const check = await deps.apiKeys.check(rawKey, callerNetwork(req.ip));
  if (check.kind === 'throttled') {
    throw new HttpError(429, `too many unknown API keys from this address; retry in ${check.retryAfterS} s`, 'auth_rate_limited', { 'Retry-After': String(check.retryAfterS) });
  }
  return check.kind === 'ok' ? check.principal : null;
}

/** The Bearer value, or null when there is no Authorization header. Throws 401 for any other scheme. */
export function bearerValue(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (Buffer.byteLength(header) > MAX_AUTHORIZATION_BYTES) throw unauthorized('Authorization header exceeds 16 KiB', 'token_too_large');
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme.toLowerCase() !== 'bearer' || value === '') throw unauthorized('Authorization header required');
  return value;
}

export function makeAuthHook(deps: NodeDeps) {
  return async function authenticate(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    req.principal = null;
    const auth: RouteAuth = req.routeOptions.config?.auth ?? 'key';
    const path = req.url.split('?')[0] ?? '';
    // Only /v1/* is guarded; discovery, health, docs and the console's own routes decide for themselves.
    if (auth !== 'key' || !path.startsWith('/v1/')) return;
    const header = req.headers.authorization;
    const value = bearerValue(header);
    const capability = capabilityPrincipal(deps, req, value);
    if (capability) {
      req.principal = capability;
      return;
    }
    if (value === null) {
      if (deps.config.authRequired) throw unauthorized('Authorization header required');
      req.principal = anonymousPrincipal();
      return;
    }
    const principal = await principalForKey(deps, req, value);
    if (principal) {
      req.principal = principal;
      return;
    }
    if (deps.config.authRequired) throw unauthorized('Invalid or expired API key');
    req.principal = anonymousPrincipal();
  };
}

/** The caller, who must hold `perm` (admin implies every permission). */
export function requirePermission(req: FastifyRequest, perm: Permission, detail = `${perm} permission required`): Principal {
  if (!req.principal) throw unauthorized('Authorization header required');
  if (!hasPermission(req.principal, perm)) throw new HttpError(403, detail, 'forbidden');
  return req.principal;
}
