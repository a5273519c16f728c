// Issuing (POST /v1/federation/capability-tokens) and listing this node's tokens (REFERENCE-NODE.md §9.1, CONTRACT.md).
import { randomBytes, randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import { badRequest, conflict, forbidden, unprocessable } from '../errors.js';
import { manifestCovering } from '../manifests/store.js';
import type { NodeDeps } from '../server/deps.js';
import { isUriLike } from '../../../shared/uri.js';
import { TOKEN_VERSION, tokenJsonOf, tokenSigningBytes, type SignedToken, type TokenBody, type TokenFields } from './format.js';
import { insertIssuedToken, listIssuedTokens, nonceTaken, type IssuedWithRevocation } from './store.js';

export const MAX_TTL_SECONDS = 7_776_000;
export const DEFAULT_TTL_SECONDS = 3600;
const MAX_FIELD_CHARS = 2048;

export interface IssueResponse extends TokenFields {
  nonce: string;
  token_json: string;
}

type IssueDeps = Pick<NodeDeps, 'db' | 'keys' | 'clock' | 'orgEntityUri' | 'config'>;

function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string' || v.trim() === '') throw unprocessable('issuer, subject, verb, and object are required');
  if (v.length > MAX_FIELD_CHARS) throw unprocessable(`${name} must be at most ${MAX_FIELD_CHARS} characters`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw unprocessable(`${name} must not contain control characters`);
  return v;
}

/** ttl_seconds as the reference reads it (`int()`: integers and integer strings), bounded to (0, 90 days]. */
function ttlSeconds(v: unknown): number {
  if (v === undefined || v === null) return DEFAULT_TTL_SECONDS;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d{1,12}\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw unprocessable('ttl_seconds must be an integer number of seconds');
  if (n > MAX_TTL_SECONDS) throw unprocessable(`ttl_seconds exceeds 90-day maximum (${MAX_TTL_SECONDS}s)`);
  if (n <= 0) throw unprocessable('ttl_seconds must be positive');
  return n;
}

/** An entity this node signs for: its own org entity, or one covered by a manifest published under its org key. */
function checkIssuer(deps: IssueDeps, issuer: string, nowMs: number): void {
  const manifest = manifestCovering(deps.db, issuer, nowMs);
  const ownManifest = manifest !== undefined && manifest.public_key === deps.keys.org.publicKey;
  const isOrg = issuer === deps.orgEntityUri || issuer === deps.config.entityUri;
  if (!isOrg && !ownManifest) throw forbidden(`issuer must be an entity this node signs for (${deps.orgEntityUri} or an entity of its published manifest)`, 'issuer_not_owned');
  if (!ownManifest) {
    throw unprocessable(`issuer manifest not found or expired for '${issuer}' (H1: cannot issue tokens from expired manifests)`, 'issuer_manifest_missing');
  }
}

function freshNonce(deps: IssueDeps): string {
  for (let i = 0; i < 3; i++) {
    const nonce = randomBytes(32).toString('hex');
    if (!nonceTaken(deps.db, nonce)) return nonce;
  }
  throw conflict('nonce collision; retry');
}

export function issueToken(deps: IssueDeps, body: unknown, issuedBy: string): IssueResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('issuer, subject, verb, and object are required');
  const b = body as Record<string, unknown>;
  const issuer = field(b, 'issuer');
  const subject = field(b, 'subject');
  // A token is presented for facts whose source is its subject or under it: the subject must name an entity.
  if (!isUriLike(subject)) throw unprocessable(`subject must be an entity URI such as stigmem://org-b.example/agent/bot (got ${JSON.stringify(subject.slice(0, 100))})`, 'invalid_subject');
  const verb = field(b, 'verb');
  const object = field(b, 'object');
  const ttl = ttlSeconds(b['ttl_seconds']);
  const nowMs = deps.clock.nowMs();
  checkIssuer(deps, issuer, nowMs);
  const expiryMs = nowMs + ttl * 1000;
  const unsigned: TokenBody = {
    expiry: isoFromMs(expiryMs),
    issued_at: isoFromMs(nowMs),
    issuer,
    nonce: freshNonce(deps),
    object,
    subject,
    token_id: randomUUID(),
    token_version: TOKEN_VERSION,
    verb,
  };
  const token: SignedToken = { ...unsigned, signature: deps.keys.org.signB64(tokenSigningBytes(unsigned)) };
  const tokenJson = tokenJsonOf(token);
  deps.db.transaction(() => {
    insertIssuedToken(deps.db, token, expiryMs, tokenJson, issuedBy);
    recordAudit(deps.db, { category: 'identity', eventType: 'capability_issued', actor: issuedBy, subject: token.token_id, detail: { issuer, subject, verb, object, expiry: token.expiry } }, nowMs);
  });
  const { signature: _signature, token_version: _version, ...shown } = token;
  return { ...shown, token_json: tokenJson };
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

export interface IssuedTokenView extends TokenFields {
  status: TokenStatus;
  revoked_at: string | null;
  revoke_reason: string | null;
  issued_by: string;
}

export function tokenView(r: IssuedWithRevocation, nowMs: number): IssuedTokenView {
  const status: TokenStatus = r.revoked_at !== null ? 'revoked' : r.expiry_ms <= nowMs ? 'expired' : 'active';
  return {
    token_id: r.token_id, issuer: r.issuer, subject: r.subject, verb: r.verb, object: r.object, issued_at: r.issued_at, expiry: r.expiry,
    status, revoked_at: r.revoked_at, revoke_reason: r.revoke_reason, issued_by: r.issued_by,
  };
}

const CURSOR = /^t(\d{1,15})$/;

export function listTokens(deps: Pick<NodeDeps, 'db' | 'clock'>, q: { limit?: number; cursor?: string; status?: string }): { tokens: IssuedTokenView[]; cursor: string | null } {
  const limit = q.limit ?? 100;
  let before: number | null = null;
  if (q.cursor) {
    const m = CURSOR.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'));
    if (!m) throw badRequest('invalid cursor', 'invalid_cursor');
    before = Number(m[1]);
  }
  const nowMs = deps.clock.nowMs();
  const rows = listIssuedTokens(deps.db, limit + 1, before);
  const page = rows.slice(0, limit);
  const cursor = rows.length > limit ? Buffer.from(`t${page[page.length - 1]!.seq}`).toString('base64url') : null;
  const tokens = page.map((r) => tokenView(r, nowMs)).filter((t) => q.status === undefined || t.status === q.status);
  return { tokens, cursor };
}
