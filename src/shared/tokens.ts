// The Tokens screen's part of the admin contract: capability tokens this node issued, issuing one, revoking one.
import { fail, ok, type Result } from './result.js';
import { objectWith } from './validators.js';

export const TOKEN_STATUSES = ['active', 'expired', 'revoked'] as const;
export const MAX_TOKEN_TTL_DAYS = 90;

export interface IssuedToken {
  tokenId: string;
  issuer: string;
  subject: string;
  verb: string;
  object: string;
  issuedAt: string;
  expiry: string;
  status: string;
  revokedAt: string | null;
  revokeReason: string | null;
  issuedBy: string;
}

export interface IssueTokenInput {
  /** Defaults to this node's org entity. */
  issuer?: string;
  subject: string;
  /** Only `write` grants anything today (writing facts under `object`). */
  verb: string;
  object: string;
  ttlSeconds: number;
}

export interface IssuedTokenResult {
  token: IssuedToken;
  /** The signed token as its holder presents it (X-Stigmem-Capability): hand it to the subject's operator. */
  tokenJson: string;
}

export interface RevokedToken {
  tokenId: string;
  revokedAt: string;
}

export interface RevokeTokenInput {
  tokenId: string;
  reason: string;
}

const MAX_FIELD = 2048;
const MAX_REASON = 1024;


function text(x: unknown, name: string): Result<string> {
  if (typeof x !== 'string' || x.trim() === '') return fail('validation_failed', `${name} is required`);
  if (x.length > MAX_FIELD) return fail('validation_failed', `${name} is longer than ${MAX_FIELD} characters`);
  if (/[\u0000-\u001f\u007f]/.test(x)) return fail('validation_failed', `${name} contains control characters`);
  return ok(x.trim());
}

export const TOKEN_SCOPES = ['public', 'company', 'team', 'local'] as const;
const ENTITY_URI = /^stigmem:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[^\s]*)?$/i;

/** Why a typed token subject is not an entity URI (stigmem://authority/…), or null when it is. */
export function tokenSubjectProblem(raw: string): string | null {
  const subject = raw.trim();
  if (subject === '') return 'Type the subject: the entity URI of the agent that will hold the token.';
  return ENTITY_URI.test(subject) ? null : 'The subject is an entity URI such as stigmem://partner.example/agent/bot.';
}

/** Why a typed token object is not one the node can grant, or null: every fact, one scope, or a URI under an authority. */
export function tokenObjectProblem(raw: string): string | null {
  const object = raw.trim();
  if (object === '') return 'Type the object: what the holder may write under.';
  if (object === 'stigmem://facts') return null;
  if (/^stigmem:\/\/facts\//i.test(object)) {
    const scope = /^stigmem:\/\/facts\/scope:(.*)$/.exec(object)?.[1];
    return scope !== undefined && (TOKEN_SCOPES as readonly string[]).includes(scope)
      ? null
      : `Under stigmem://facts the object is stigmem://facts/scope:<${TOKEN_SCOPES.join('|')}>.`;
  }
  return ENTITY_URI.test(object) ? null : 'The object is stigmem://facts, stigmem://facts/scope:<scope>, or a URI such as stigmem://your-org.example/scope/shared.';
}

export function validateIssueToken(arg: unknown): Result<IssueTokenInput> {
  const f = objectWith(arg, ['issuer', 'subject', 'verb', 'object', 'ttlSeconds'], '{"subject": "stigmem://partner.example/agent/bot", "verb": "write", "object": "…", "ttlSeconds": 86400}');
  if (!f.ok) return f;
  const out: Record<string, unknown> = {};
  for (const name of ['subject', 'verb', 'object'] as const) {
    const v = text(f.value[name], name);
    if (!v.ok) return v;
    out[name] = v.value;
  }
  if (f.value['issuer'] !== undefined) {
    const issuer = text(f.value['issuer'], 'issuer');
    if (!issuer.ok) return issuer;
    out['issuer'] = issuer.value;
  }
  const ttl = f.value['ttlSeconds'];
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_DAYS * 86_400) return fail('validation_failed', `ttlSeconds is a whole number of seconds from 1 to ${MAX_TOKEN_TTL_DAYS} days`);
  out['ttlSeconds'] = ttl;
  return ok(out as unknown as IssueTokenInput);
}

export function validateRevokeToken(arg: unknown): Result<RevokeTokenInput> {
  const f = objectWith(arg, ['tokenId', 'reason'], '{"tokenId": "…", "reason": "…"}');
  if (!f.ok) return f;
  const tokenId = f.value['tokenId'];
  if (typeof tokenId !== 'string' || tokenId === '' || tokenId.length > 100) return fail('validation_failed', 'a token id is required');
  const reason = f.value['reason'];
  if (typeof reason !== 'string' || reason.trim() === '') return fail('validation_failed', 'say why the token is revoked (it is published with the revocation)');
  if (reason.length > MAX_REASON) return fail('validation_failed', `the reason is longer than ${MAX_REASON} characters`);
  return ok({ tokenId, reason: reason.trim() });
}
