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

/** A fact as served: what paging and tests need, and its record already as JSON text. */
export interface ServedFact {
  seq: number;
  id: string;
  entity: string;
  hlc: string;
  json: string;
}

type ServedTuple = [number, string, string, string, string, string, string, string, string, string, string | null, number, string, string | null, string | null, string | null, number | null, string, number | null, string, string | null];

/** The FactRow of a served tuple; the columns the query pins (no garden, not received, not quarantined) are constants. */
function servedRow(t: ServedTuple): FactRow {
  return {
    seq: t[0], id: t[1], entity: t[2], relation: t[3], value_type: t[4], value_v: t[5], interpret_as: t[6], source: t[7], timestamp: t[8], hlc: t[9],
    valid_until: t[10], valid_until_ms: null, confidence: t[11], scope: t[12], attested_key_id: t[13], origin_node_id: t[14], origin_allowed_scopes: t[15],
    attested: t[16], warnings: t[17], source_trust: t[18], cid: t[19], quarantine_reason: t[20], garden_id: null, received_from: null, written_by: null,
    derived_from: '[]', quarantine_garden_id: null, is_retracted: 0, is_contradicted: 0,
  };
}

/**
 * Only our own facts (never relayed, local, quarantined, in a garden, or bookkeeping), after the cursor.
 * One range walk of facts_served per scope (each already in HLC order), merged: a page costs O(limit), however many
 * facts the node holds or received.
 */
export function servablePage(db: ReadDb, scopes: string[], cursor: string | null, limit: number, minHlc: string | null = null): { rows: ServedFact[]; hasMore: boolean } {
  const tuples: ServedTuple[] = [];
  for (const scope of new Set(scopes)) tuples.push(...db.allRaw<ServedTuple>(servableScopeSql(scope, cursor, limit + 1, minHlc)));
  if (scopes.length > 1) tuples.sort((a, b) => (a[9] < b[9] ? -1 : a[9] > b[9] ? 1 : a[0] - b[0]));
  const rows = tuples.slice(0, limit).map((t) => ({ seq: t[0], id: t[1], entity: t[2], hlc: t[9], json: encodeWireRecord(toWireRecord(servedRow(t), { contradicted: false })) }));
  return { rows, hasMore: tuples.length > limit };
}

export function servableScopeSql(scope: string, cursor: string | null, limit: number, minHlc: string | null): Sql {
  return sql`SELECT f.seq, f.id, f.entity, f.relation, f.value_type, f.value_v, f.interpret_as, f.source, f.timestamp, f.hlc, f.valid_until,
      f.confidence, f.scope, f.attested_key_id, f.origin_node_id, f.origin_allowed_scopes, f.attested, f.warnings, f.source_trust, f.cid, f.quarantine_reason
    FROM facts f INDEXED BY facts_served
    WHERE f.scope = ${scope} AND f.received_from IS NULL AND f.quarantine_garden_id IS NULL AND f.garden_id IS NULL
      ${cursor !== null ? sql`AND f.hlc > ${cursor}` : sql``} ${minHlc !== null ? sql`AND f.hlc >= ${minHlc}` : sql``}
      AND f.relation NOT LIKE 'stigmem:%' AND f.entity NOT LIKE 'stigmem:conflict:%' AND f.entity NOT LIKE 'stigmem:resolution:%'
      AND f.derived_from = '[]'
    ORDER BY f.hlc ASC LIMIT ${limit}`;
}

/** The page body as exact bytes (sent as they are, so they are encoded once), and our federation key's signature over them. */
export function signedPage(deps: NodeDeps, rows: ServedFact[], cursor: string | null, hasMore: boolean): { body: Buffer; signature: string } {
  const next = rows.length > 0 ? rows[rows.length - 1]!.hlc : cursor;
  const body = Buffer.from(`{"facts":[${rows.map((r) => r.json).join(',')}],"cursor":${encodeJson(next)},"has_more":${hasMore ? 'true' : 'false'}}`, 'utf8');
  return { body, signature: deps.keys.federation.signB64(body) };
}
