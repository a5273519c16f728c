// GET /v1/federation/facts: the facts this node originated, in the scopes both sides allow, in causal (HLC) order.
import { encodeJson } from '../json/pyjson.js';
import { joinSql, sql, type ReadDb, type Sql } from '../db/sql.js';
import { toWireRecord } from '../facts/record.js';
import type { FactRow } from '../facts/repo.js';
import type { NodeDeps } from '../server/deps.js';
import { parseScopes, type PeerRow } from './peers/repo.js';
import { servedScopes } from './scopes.js';

export const PAGE_SIGNATURE_HEADER = 'stigmem-signature';
export const MAX_PAGE_LIMIT = 500;

export function permittedScopes(deps: NodeDeps, peer: PeerRow, tokenScopes: string[]): string[] {
  return servedScopes(parseScopes(peer.allowed_scopes), tokenScopes, deps.config.allowTeam);
}

/** Only our own facts (never relayed, local, quarantined, in a garden, or bookkeeping), after the cursor. */
/** Reference pullers stall for good on a fact whose HLC is over 30 days old (REFERENCE-NODE.md §6.5): never send one. */
export const REFERENCE_MAX_PAST_MS = 30 * 24 * 3_600_000 - 3_600_000;

export function servablePage(db: ReadDb, scopes: string[], cursor: string | null, limit: number, minHlc: string | null = null): { rows: FactRow[]; hasMore: boolean } {
  const where: Sql[] = [
    sql`f.received_from IS NULL`,
    sql`f.scope IN (SELECT value FROM json_each(${JSON.stringify(scopes)}))`,
    sql`f.quarantine_garden_id IS NULL`,
    sql`f.garden_id IS NULL`,
    sql`f.relation NOT LIKE 'stigmem:%'`,
    sql`f.entity NOT LIKE 'stigmem:conflict:%'`,
    sql`f.entity NOT LIKE 'stigmem:resolution:%'`,
    sql`f.derived_from = '[]'`,
  ];
  if (cursor !== null) where.push(sql`f.hlc > ${cursor}`);
  if (minHlc !== null) where.push(sql`f.hlc >= ${minHlc}`);
  const rows = db.all<FactRow>(sql`SELECT f.*, 0 AS is_retracted, 0 AS is_contradicted FROM facts f
    WHERE ${joinSql(where, ' AND ')} ORDER BY f.hlc ASC LIMIT ${limit + 1}`);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** The page body as exact bytes, and our federation key's signature over them. */
export function signedPage(deps: NodeDeps, rows: FactRow[], cursor: string | null, hasMore: boolean): { body: string; signature: string } {
  const facts = rows.map((r) => toWireRecord(r, { contradicted: false }));
  const next = rows.length > 0 ? rows[rows.length - 1]!.hlc : cursor;
  const body = encodeJson({ facts, cursor: next, has_more: hasMore });
  return { body, signature: deps.keys.federation.signB64(Buffer.from(body, 'utf8')) };
}
