// Capability-token routes: issue, list and revoke (admin), verify (no credentials, rate-limited per address), and the
// published revocations that peers pull (no credentials).
import { Type } from 'typebox';
import { requirePermission } from '../auth/hook.js';
import { HttpError, unprocessable } from '../errors.js';
import { RollingWindowLimiter } from '../manifests/rateLimit.js';
import type { App, NodeDeps } from '../server/deps.js';
import { issueToken, listTokens } from './issue.js';
import { revocationPage, revokeToken } from './revocations.js';
import { verifyCapabilityToken } from './verify.js';
import { callerNetwork } from '../auth/callerNetwork.js';

const tags = ['capability tokens'];
const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.Optional(Type.String()) });
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
/** The body schemas document the shapes; the handlers read the bodies themselves to keep the reference's details. */
const documentOnly = () => () => true;

export const VERIFY_PER_MINUTE = 120;

const IssueBody = Type.Object({
  issuer: Type.String({ description: 'An entity this node signs for' }),
  subject: Type.String({ description: 'Who may use the token (may be another organisation\'s entity)' }),
  verb: Type.String({ description: 'e.g. write' }),
  object: Type.String({ description: 'stigmem://facts, stigmem://facts/scope:<scope>, stigmem://<authority>/scope/<name>, a garden URI or an entity URI' }),
  ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7_776_000, default: 3600 })),
});

const IssueResult = Type.Object({
  token_id: Type.String(), issuer: Type.String(), subject: Type.String(), verb: Type.String(), object: Type.String(),
  issued_at: Type.String(), expiry: Type.String(), nonce: Type.String(), token_json: Type.String({ description: 'The token as a compact JSON string' }),
});

const VerifyBody = Type.Object({ token_json: Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })]) });
const VerifyResult = Type.Object({ valid: Type.Boolean(), reason: Type.Optional(Type.String()) });
const TokenParams = Type.Object({ token_id: Type.String({ minLength: 1, maxLength: 256 }) });
const RevokeBody = Type.Union([Type.Null(), Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1024 })) })]);
const RevokeResult = Type.Object({ token_id: Type.String(), revoked_at: Type.String(), status: Type.Literal('revoked'), log_entry: Type.Unknown() });
const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(Type.Enum(['active', 'expired', 'revoked'])),
});
const RevocationsQuery = Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, description: 'First transparency-log index to return' })) });

export function registerTokenRoutes(app: App, deps: NodeDeps): void {
  const verifyLimiter = new RollingWindowLimiter(VERIFY_PER_MINUTE, 60_000);

  app.post('/v1/federation/capability-tokens', {
    validatorCompiler: documentOnly,
    schema: { tags, summary: 'Issue a capability token (admin)', body: IssueBody, response: { 201: IssueResult, ...errors(401, 403, 409, 422) } },
  }, async (req, reply) => {
    const who = requirePermission(req, 'admin', 'admin permission required');
    return reply.code(201).send(issueToken(deps, req.body, who.entityUri));
  });

  app.get('/v1/federation/capability-tokens', {
    schema: { tags, summary: 'Tokens this node issued, newest first, with their status (admin)', querystring: ListQuery },
  }, async (req) => {
    requirePermission(req, 'admin', 'admin permission required');
    return listTokens(deps, req.query);
  });

  app.post('/v1/federation/capability-tokens/verify', {
    config: { auth: 'public' },
    validatorCompiler: documentOnly,
    schema: { tags, summary: 'Verify a token (no credentials; token_json as a string or an object)', security: [], body: VerifyBody, response: { 200: VerifyResult, ...errors(422, 429) } },
  }, async (req) => {
    const limit = verifyLimiter.hit(callerNetwork(req.ip), deps.clock.nowMs());
    if (!limit.allowed) {
      throw new HttpError(429, `verify rate limit: at most ${VERIFY_PER_MINUTE} requests per minute per address`, 'rate_limited', { 'Retry-After': String(limit.retryAfterSeconds) });
    }
    const body = req.body as Record<string, unknown> | undefined;
    const given = typeof body === 'object' && body !== null && !Array.isArray(body) ? body['token_json'] : undefined;
    if (given === undefined || given === null || given === '') throw unprocessable('token_json is required');
    const verdict = verifyCapabilityToken(deps, given);
    return verdict.valid ? { valid: true } : { valid: false, reason: verdict.reason };
  });

  app.post('/v1/federation/capability-tokens/:token_id/revoke', {
    validatorCompiler: documentOnly,
    schema: { tags, summary: 'Revoke a token this node issued (admin); the signed revocation is logged and published', params: TokenParams, body: RevokeBody, response: { 200: RevokeResult, ...errors(401, 403, 404, 409, 422) } },
  }, async (req) => {
    const who = requirePermission(req, 'admin', 'admin permission required');
    return revokeToken(deps, (req.params as { token_id: string }).token_id, req.body, who.entityUri);
  });

  app.get('/v1/federation/capability-tokens/revocations', {
    config: { auth: 'public' },
    schema: { tags, summary: 'Signed revocations of tokens this node issued, from a log index on (no credentials)', security: [], querystring: RevocationsQuery },
  }, async (req) => {
    return { issuer: deps.orgEntityUri, public_key: deps.keys.org.publicKey, ...revocationPage(deps, req.query.since ?? 0) };
  });
}
