// SQL for issued tokens, known revocations and the revocation pull cursors (migration 005).
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';
import type { SignedToken, TokenFields } from './format.js';

export interface IssuedTokenRow extends TokenFields {
  seq: number;
  expiry_ms: number;
  nonce: string;
  token_json: string;
  issued_by: string;
}

export interface RevocationRow {
  seq: number;
  token_id: string;
  issuer_entity: string;
  revoked_by: string;
  revoked_at: string;
  reason: string;
  signature: string;
  log_index: number | null;
  origin: 'local' | 'peer';
  received_from: string | null;
  received_at: string;
}

export function insertIssuedToken(db: WriteDb, t: SignedToken, expiryMs: number, tokenJson: string, issuedBy: string): void {
  db.run(sql`INSERT INTO capability_tokens (token_id, issuer, subject, verb, object, issued_at, expiry, expiry_ms, nonce, token_json, issued_by)
    VALUES (${t.token_id}, ${t.issuer}, ${t.subject}, ${t.verb}, ${t.object}, ${t.issued_at}, ${t.expiry}, ${expiryMs}, ${t.nonce}, ${tokenJson}, ${issuedBy})`);
}

export function issuedToken(db: ReadDb, tokenId: string): IssuedTokenRow | undefined {
  return db.get<IssuedTokenRow>(sql`SELECT * FROM capability_tokens WHERE token_id = ${tokenId}`);
}

export function nonceTaken(db: ReadDb, nonce: string): boolean {
  return db.get(sql`SELECT 1 AS x FROM capability_tokens WHERE nonce = ${nonce}`) !== undefined;
}

export type IssuedWithRevocation = IssuedTokenRow & { revoked_at: string | null; revoke_reason: string | null };

/** Tokens this node issued, newest first, each with its revocation if any. */
export function listIssuedTokens(db: ReadDb, limit: number, beforeSeq: number | null): IssuedWithRevocation[] {
  const page = beforeSeq === null ? sql`` : sql`WHERE t.seq < ${beforeSeq}`;
  return db.all<IssuedWithRevocation>(sql`SELECT t.*, r.revoked_at AS revoked_at, r.reason AS revoke_reason FROM capability_tokens t
    LEFT JOIN capability_revocations r ON r.token_id = t.token_id AND r.issuer_entity = t.issuer AND r.origin = 'local'
    ${page} ORDER BY t.seq DESC LIMIT ${limit}`);
}

export interface NewRevocation {
  tokenId: string;
  issuerEntity: string;
  revokedBy: string;
  revokedAt: string;
  reason: string;
  signature: string;
  logIndex: number | null;
  origin: 'local' | 'peer';
  receivedFrom: string | null;
  receivedAt: string;
}

/** Store a revocation; false when one for that issuer and token was already known. */
export function insertRevocation(db: WriteDb, r: NewRevocation): boolean {
  const res = db.run(sql`INSERT OR IGNORE INTO capability_revocations
      (token_id, issuer_entity, revoked_by, revoked_at, reason, signature, log_index, origin, received_from, received_at)
    VALUES (${r.tokenId}, ${r.issuerEntity}, ${r.revokedBy}, ${r.revokedAt}, ${r.reason}, ${r.signature}, ${r.logIndex}, ${r.origin},
      ${r.receivedFrom}, ${r.receivedAt})`);
  return res.changes > 0;
}

/** A revocation of `tokenId` by either of the issuer names a token resolves to (its issuer, its manifest's entity). */
export function revocationFor(db: ReadDb, tokenId: string, issuer: string, manifestEntity: string): RevocationRow | undefined {
  return db.get<RevocationRow>(sql`SELECT * FROM capability_revocations WHERE token_id = ${tokenId}
    AND issuer_entity IN (${issuer}, ${manifestEntity}) ORDER BY seq LIMIT 1`);
}

/** This node's own revocations from transparency-log index `since` on, in log order. */
export function localRevocationsSince(db: ReadDb, since: number, limit: number): RevocationRow[] {
  return db.all<RevocationRow>(sql`SELECT * FROM capability_revocations WHERE origin = 'local' AND log_index >= ${since}
    ORDER BY log_index LIMIT ${limit}`);
}

export function pullCursor(db: ReadDb, issuerEntity: string, sourceUrl: string): number {
  return db.get<{ next_since: number }>(sql`SELECT next_since FROM revocation_pull_state WHERE issuer_entity = ${issuerEntity} AND source_url = ${sourceUrl}`)?.next_since ?? 0;
}

export function savePullCursor(db: WriteDb, issuerEntity: string, sourceUrl: string, nextSince: number, at: string): void {
  db.run(sql`INSERT INTO revocation_pull_state (issuer_entity, source_url, next_since, updated_at) VALUES (${issuerEntity}, ${sourceUrl}, ${nextSince}, ${at})
    ON CONFLICT (issuer_entity, source_url) DO UPDATE SET next_since = excluded.next_since, updated_at = excluded.updated_at`);
}
