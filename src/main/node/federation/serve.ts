// GET /v1/federation/facts: the facts this node originated, in the scopes both sides allow, in causal (HLC) order.
import { encodeJson } from '../json/pyjson.js';
import { sql, type ReadDb, type Sql } from '../db/sql.js';
import { toWireRecord } from '../facts/record.js';
import { encodeWireRecord } from '../facts/recordJson.js';
import type { FactRow } from '../facts/repo.js';
import type { NodeDeps } from '../server/deps.js';
import { parseScopes, type PeerRow } from './peers/repo.js';
import { servedScopes } from './scopes.js';

export const PAGE_SIGNATURE_HEADER = 'stigmem-signature';
export const MAX_PAGE_LIMIT = 500;

export function permittedScopes(deps: NodeDeps, peer: PeerRow, tokenScopes: string[]): string[] {
  return servedScopes(parseScopes(peer.allowed_scopes), tokenScopes, deps.config.allowTeam);
}

/** Reference pullers stall for good on a fact whose HLC is over 30 days old (REFERENCE-NODE.md §6.5): never send one. */
export const REFERENCE_MAX_PAST_MS = 30 * 24 * 3_600_000 - 3_600_000;

/**
 * Only our own facts (never relayed, local, quarantined, in a garden, or bookkeeping), after the cursor.
 * One range walk of facts_served per scope (each already in HLC order), merged: a page costs O(limit), however many
 * facts the node holds or received.
 */
export function servablePage(db: ReadDb, scopes: string[], cursor: string | null, limit: number, minHlc: string | null = null): { rows: FactRow[]; hasMore: boolean } {
  const rows: FactRow[] = [];
  for (const scope of new Set(scopes)) rows.push(...db.all<FactRow>(servableScopeSql(scope, cursor, limit + 1, minHlc)));
  if (scopes.length > 1) rows.sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.seq - b.seq));
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

export function servableScopeSql(scope: string, cursor: string | null, limit: number, minHlc: string | null): Sql {
  return sql`SELECT f.*, 0 AS is_retracted, 0 AS is_contradicted FROM facts f INDEXED BY facts_served
    WHERE f.scope = ${scope} AND f.received_from IS NULL AND f.quarantine_garden_id IS NULL AND f.garden_id IS NULL
      ${cursor !== null ? sql`AND f.hlc > ${cursor}` : sql``} ${minHlc !== null ? sql`AND f.hlc >= ${minHlc}` : sql``}
      AND f.relation NOT LIKE 'stigmem:%' AND f.entity NOT LIKE 'stigmem:conflict:%' AND f.entity NOT LIKE 'stigmem:resolution:%'
      AND f.derived_from = '[]'
    ORDER BY f.hlc ASC LIMIT ${limit}`;
}

/** The page body as exact bytes, and our federation key's signature over them. */
export function signedPage(deps: NodeDeps, rows: FactRow[], cursor: string | null, hasMore: boolean): { body: string; signature: string } {
  const facts = rows.map((r) => encodeWireRecord(toWireRecord(r, { contradicted: false })));
  const next = rows.length > 0 ? rows[rows.length - 1]!.hlc : cursor;
  const body = `{"facts":[${facts.join(',')}],"cursor":${encodeJson(next)},"has_more":${hasMore ? 'true' : 'false'}}`;
  return { body, signature: deps.keys.federation.signB64(Buffer.from(body, 'utf8')) };
}
