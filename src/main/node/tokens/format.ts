// The capability token as the reference writes it (REFERENCE-NODE.md §3.2, §9.1): nine signed fields plus `signature`,
// signed over the JCS flavour of every field but `signature`.
import { canonicalJcs, canonicalJcsBytes } from '../json/canonical.js';
import { parseIsoTimestamp } from '../manifests/timestamps.js';

export const TOKEN_VERSION = 1;
/** The largest token we read, from a header or a body (the Authorization cap is the same 16 KiB). */
export const MAX_TOKEN_BYTES = 16 * 1024;

/** What a token grants, as every view of a token shows it. */
export type TokenFields = Pick<TokenBody, 'token_id' | 'issuer' | 'subject' | 'verb' | 'object' | 'issued_at' | 'expiry'>;

export interface TokenBody {
  expiry: string;
  issued_at: string;
  issuer: string;
  nonce: string;
  object: string;
  subject: string;
  token_id: string;
  token_version: number;
  verb: string;
}

export interface SignedToken extends TokenBody {
  signature: string;
}

const STRING_FIELDS = ['expiry', 'issued_at', 'issuer', 'nonce', 'object', 'subject', 'token_id', 'verb', 'signature'] as const;
const KNOWN_FIELDS = new Set<string>([...STRING_FIELDS, 'token_version']);

/** Why a token failed, in the verify route's vocabulary (CONTRACT.md "Capability tokens"). */
export type TokenFailure = 'revoked' | 'expired' | 'bad_signature' | 'unknown_issuer' | 'malformed' | 'unsupported_version';

export type ParsedToken = { ok: true; token: SignedToken; expiryMs: number } | { ok: false; reason: TokenFailure; detail: string };

const fail = (reason: TokenFailure, detail: string): ParsedToken => ({ ok: false, reason, detail });

/** The bytes the issuer signed: canonical JCS of every field except `signature`. */
export function tokenSigningBytes(t: TokenBody): Buffer {
  return canonicalJcsBytes({
    expiry: t.expiry,
    issued_at: t.issued_at,
    issuer: t.issuer,
    nonce: t.nonce,
    object: t.object,
    subject: t.subject,
    token_id: t.token_id,
    token_version: t.token_version,
    verb: t.verb,
  });
}

/** The compact `token_json` string: the body with its signature, keys sorted. */
export function tokenJsonOf(t: SignedToken): string {
  return canonicalJcs(t);
}

function readObject(input: unknown): Record<string, unknown> | string {
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_TOKEN_BYTES) return `token exceeds ${MAX_TOKEN_BYTES} bytes`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      return 'token is not valid JSON';
    }
    input = parsed;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'token is not a JSON object';
  return input as Record<string, unknown>;
}

/**
 * Parse a token given as its JSON text or as an already-parsed object. Only the structure is checked here: the
 * signature, issuer, expiry and revocation are the verifier's business.
 */
export function parseToken(input: unknown): ParsedToken {
  const obj = readObject(input);
  if (typeof obj === 'string') return fail('malformed', obj);
  if (!Object.hasOwn(obj, 'token_version')) return fail('malformed', 'token_version is missing');
  if (obj['token_version'] !== TOKEN_VERSION) return fail('unsupported_version', `unsupported token_version: ${JSON.stringify(obj['token_version']) ?? 'null'} (expected ${TOKEN_VERSION})`);
  for (const key of Object.keys(obj)) {
    // Claims we do not know (nbf, capabilities, alg…) could change the meaning of a token we would still accept.
    if (!KNOWN_FIELDS.has(key)) return fail('malformed', `unknown token field ${JSON.stringify(key.slice(0, 64))}`);
  }
  for (const key of STRING_FIELDS) {
    const v = obj[key];
    if (typeof v !== 'string' || v === '') return fail('malformed', `token field ${key} must be a non-empty string`);
  }
  const token = obj as unknown as SignedToken;
  const expiry = parseIsoTimestamp(token.expiry);
  if (!expiry.ok) return fail('malformed', 'token expiry is not an ISO 8601 timestamp with a zone');
  return { ok: true, token, expiryMs: Number(expiry.epochUs / 1000n) };
}
