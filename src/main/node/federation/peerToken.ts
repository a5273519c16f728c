// Peer tokens: the reference's EdDSA JWT (REFERENCE-NODE.md §6.1) — ms timestamps, single-use nonces, 1 h lifetime.
import { randomUUID } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../crypto/base64url.js';
import { verifySignature } from '../crypto/ed25519.js';
import type { Signer } from '../identity/signer.js';

export const PEER_TOKEN_LIFETIME_MS = 3_600_000;
export const MAX_IAT_AGE_MS = 24 * 3_600_000;

export interface PeerTokenClaims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  nonce: string;
  scopes: string[];
  nbf?: number;
}

/** The reasons a token is refused, as the reference names them (they become the 401 detail). */
export type PeerTokenRefusal =
  | 'malformed token'
  | 'invalid_signature'
  | 'invalid_token'
  | 'token_expired'
  | 'invalid_sub'
  | 'invalid_iss'
  | 'iat_in_future'
  | 'iat_too_old'
  | 'nbf_in_future'
  | 'missing_nonce';

const b64json = (v: unknown): string => toBase64Url(Buffer.from(JSON.stringify(v), 'utf8'));

/** Mint a fresh token for one request: each nonce is accepted once by the receiver. */
export function mintPeerToken(signer: Signer, claims: { iss: string; sub: string; scopes: string[] }, nowMs: number): string {
  const payload: PeerTokenClaims = { iss: claims.iss, sub: claims.sub, iat: nowMs, exp: nowMs + PEER_TOKEN_LIFETIME_MS, nonce: randomUUID(), scopes: claims.scopes };
  const signingInput = `${b64json({ alg: 'EdDSA', typ: 'JWT' })}.${b64json(payload)}`;
  return `${signingInput}.${signer.signB64(Buffer.from(signingInput, 'ascii'))}`;
}

export interface DecodedPeerToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function decodePart(part: string): Record<string, unknown> | null {
  const bytes = fromBase64Url(part);
  if (!bytes) return null;
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Split and decode without trusting anything; null when it is not a compact JWS. */
export function decodePeerToken(token: string): DecodedPeerToken | null {
  if (token.length > 16 * 1024) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const header = decodePart(h);
  const claims = decodePart(p);
  const signature = fromBase64Url(s);
  if (!header || !claims || !signature) return null;
  return { header, claims, signingInput: `${h}.${p}`, signature };
}

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Steps 4–10 of §6.1 (signature, times, sub/iss, nonce presence). The nonce's single use is checked by the caller. */
export function checkPeerToken(
  decoded: DecodedPeerToken,
  expect: { peerPublicKey: Uint8Array; ourNodeId: string; peerNodeId: string; nowMs: number; leewayMs: number },
): { ok: true; claims: PeerTokenClaims } | { ok: false; reason: PeerTokenRefusal } {
  // Only EdDSA: "none" and every other algorithm are refused before any signature work.
  if (decoded.header['alg'] !== 'EdDSA') return { ok: false, reason: 'invalid_token' };
  if (!verifySignature(expect.peerPublicKey, Buffer.from(decoded.signingInput, 'ascii'), decoded.signature)) return { ok: false, reason: 'invalid_signature' };
  const c = decoded.claims;
  if (!isMs(c['exp']) || !isMs(c['iat']) || typeof c['iss'] !== 'string' || typeof c['sub'] !== 'string') return { ok: false, reason: 'invalid_token' };
  const { nowMs, leewayMs } = expect;
  if (nowMs > c['exp'] + leewayMs) return { ok: false, reason: 'token_expired' };
  if (c['sub'] !== expect.ourNodeId) return { ok: false, reason: 'invalid_sub' };
  if (c['iss'] !== expect.peerNodeId) return { ok: false, reason: 'invalid_iss' };
  if (c['iat'] > nowMs + leewayMs) return { ok: false, reason: 'iat_in_future' };
  if (c['iat'] < nowMs - MAX_IAT_AGE_MS) return { ok: false, reason: 'iat_too_old' };
  if (c['nbf'] !== undefined && (!isMs(c['nbf']) || c['nbf'] > nowMs + leewayMs)) return { ok: false, reason: 'nbf_in_future' };
  if (typeof c['nonce'] !== 'string' || c['nonce'] === '') return { ok: false, reason: 'missing_nonce' };
  const scopes = Array.isArray(c['scopes']) ? c['scopes'].filter((s): s is string => typeof s === 'string') : [];
  return { ok: true, claims: { iss: c['iss'], sub: c['sub'], iat: c['iat'], exp: c['exp'], nonce: c['nonce'], scopes, ...(isMs(c['nbf']) ? { nbf: c['nbf'] } : {}) } };
}
