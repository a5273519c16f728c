// The facts table: row shapes, the derived flags every read computes, inserts and single-row lookups.
import { raw, sql, type ReadDb, type Sql, type WriteDb } from '../db/sql.js';

/** A stored fact as SELECTed with FACT_SELECT (the table's columns plus the derived flags). */
export interface FactRow {
  seq: number;
  id: string;
  cid: string;
  entity: string;
  relation: string;
  value_type: string;
  value_v: string;
  interpret_as: string;
  source: string;
  timestamp: string;
  hlc: string;
  confidence: number;
  scope: string;
  valid_until: string | null;
  valid_until_ms: number | null;
  garden_id: string | null;
  received_from: string | null;
  origin_node_id: string | null;
  origin_allowed_scopes: string | null;
  attested_key_id: string | null;
  attested: number | null;
  written_by: string | null;
  derived_from: string;
  warnings: string;
  source_trust: number | null;
  quarantine_garden_id: string | null;
  quarantine_reason: string | null;
  /** The garden as written; `garden_id` above is the garden shown (quarantine garden, or where a promotion put it). */
  asserted_garden_id?: string | null;
  /** null for facts that never entered quarantine (absent when a query selects f.* without FACT_SELECT). */
  quarantine_status?: QuarantineStatus | null;
  is_retracted: 0 | 1;
  is_contradicted: 0 | 1;
}

export type QuarantineStatus = 'pending' | 'promoted' | 'rejected';

/** A quarantined fact a moderator promoted (the decision is a row; the fact itself is never rewritten). */
const PROMOTED_SQL = (alias: string): Sql =>
  sql`EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.fact_id = ${raw(alias)}.id AND d.action = 'promoted')`;

/** A later confidence-0 fact with the same entity, relation, scope, garden and value retracts `f` (facts stay stored). */
// INDEXED BY: without table statistics the planner may prefer (scope, seq), which walks every later fact of a scope.
export const RETRACTED_SQL: Sql = sql`(f.confidence > 0 AND EXISTS (SELECT 1 FROM facts r INDEXED BY facts_triple_cid
  WHERE r.entity = f.entity AND r.relation = f.relation AND r.scope = f.scope AND r.value_type = f.value_type
    AND r.value_v = f.value_v AND r.garden_id IS f.garden_id AND r.confidence = 0 AND r.seq > f.seq
    AND (r.quarantine_garden_id IS NULL OR ${PROMOTED_SQL('r')})))`;

/** In an open conflict, or on the losing side of a resolved one (the conflicts row records it; the fact is untouched). */
export const CONTRADICTED_SQL: Sql = sql`(EXISTS (SELECT 1 FROM conflicts c WHERE c.fact_a = f.id AND (c.status = 'unresolved' OR c.winning_fact_id IS NOT f.id))
  OR EXISTS (SELECT 1 FROM conflicts c WHERE c.fact_b = f.id AND (c.status = 'unresolved' OR c.winning_fact_id IS NOT f.id)))`;

/** Pending and rejected quarantine facts stay out of standard recall; promoted ones join it. */
export const IN_QUARANTINE_SQL: Sql = sql`(f.quarantine_garden_id IS NOT NULL AND NOT ${PROMOTED_SQL('f')})`;

export const QUARANTINE_STATUS_SQL: Sql = sql`(CASE WHEN f.quarantine_garden_id IS NULL THEN NULL
  ELSE COALESCE((SELECT d.action FROM quarantine_decisions d WHERE d.fact_id = f.id), 'pending') END)`;

/** The garden a fact is shown in: its quarantine garden until promoted, then the promotion's target (or none). */
export const SHOWN_GARDEN_SQL: Sql = sql`(CASE WHEN f.quarantine_garden_id IS NULL THEN f.garden_id
  WHEN ${PROMOTED_SQL('f')} THEN (SELECT d.target_garden_id FROM quarantine_decisions d WHERE d.fact_id = f.id)
  ELSE f.quarantine_garden_id END)`;

// The later `garden_id` column replaces f.garden_id in the row (better-sqlite3 keeps the last of duplicate names).
export const FACT_SELECT = sql`SELECT f.*, f.garden_id AS asserted_garden_id, ${SHOWN_GARDEN_SQL} AS garden_id,
  ${QUARANTINE_STATUS_SQL} AS quarantine_status, ${RETRACTED_SQL} AS is_retracted, ${CONTRADICTED_SQL} AS is_contradicted FROM facts f`;

export function factRowById(db: ReadDb, id: string): FactRow | undefined {
  return db.get<FactRow>(sql`${FACT_SELECT} WHERE f.id = ${id}`);
}

/**
 * `alias.cid = cid` by CID alone: one probe of facts_cid_window per insertion window (migration 007). CROSS JOIN
 * keeps the windows as the outer loop; a malformed CID simply matches nothing.
 */
export function cidMatches(alias: string, cid: string): Sql {
  return sql`${raw(alias)}.seq IN (WITH RECURSIVE w(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM w WHERE v < (SELECT COALESCE(MAX(seq), 0) >> 13 FROM facts))
    SELECT c.seq FROM w CROSS JOIN facts c INDEXED BY facts_cid_window ON (c.seq >> 13) = w.v AND unhex(substr(c.cid, 8, 8)) = unhex(substr(${cid}, 8, 8))
    WHERE c.cid = ${cid})`;
}

/** The fact with this CID when its triple is known: one probe of the unique (entity, relation, scope, cid) index. */
export function tripleCidMatches(alias: string, f: { entity: string; relation: string; scope: string; cid: string }): Sql {
  return sql`${raw(alias)}.entity = ${f.entity} AND ${raw(alias)}.relation = ${f.relation} AND ${raw(alias)}.scope = ${f.scope} AND ${raw(alias)}.cid = ${f.cid}`;
}

export function factRowByTripleCid(db: ReadDb, f: { entity: string; relation: string; scope: string; cid: string }): FactRow | undefined {
  return db.get<FactRow>(sql`${FACT_SELECT} WHERE ${tripleCidMatches('f', f)}`);
}

export function factRowByCid(db: ReadDb, cid: string): FactRow | undefined {
  return db.get<FactRow>(sql`${FACT_SELECT} WHERE ${cidMatches('f', cid)}`);
}

/** The columns a write supplies; the rest take their defaults. */
export interface NewFactRow {
  id: string;
  cid: string;
  entity: string;
  relation: string;
  valueType: string;
  valueV: string;
  interpretAs: string;
  source: string;
  timestamp: string;
  hlc: string;
  confidence: number;
  scope: string;
  validUntil: string | null;
  validUntilMs: number | null;
  gardenId: string | null;
  receivedFrom: string | null;
  originNodeId: string | null;
  originAllowedScopes: string[] | null;
  attestedKeyId: string | null;
  attested: boolean | null;
  writtenBy: string | null;
  derivedFrom: string;
  warnings: string[];
  sourceTrust: number | null;
  quarantineGardenId: string | null;
  quarantineReason: string | null;
}

/** Returns the new row's seq. */
export function insertFactRow(db: WriteDb, f: NewFactRow): number {
  const r = db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, interpret_as, source, timestamp, hlc,
      confidence, scope, valid_until, valid_until_ms, garden_id, received_from, origin_node_id, origin_allowed_scopes,
      attested_key_id, attested, written_by, derived_from, warnings, source_trust, quarantine_garden_id, quarantine_reason)
    VALUES (${f.id}, ${f.cid}, ${f.entity}, ${f.relation}, ${f.valueType}, ${f.valueV}, ${f.interpretAs}, ${f.source},
      ${f.timestamp}, ${f.hlc}, ${f.confidence}, ${f.scope}, ${f.validUntil}, ${f.validUntilMs}, ${f.gardenId},
      ${f.receivedFrom}, ${f.originNodeId}, ${f.originAllowedScopes === null ? null : JSON.stringify([...f.originAllowedScopes].sort())},
      ${f.attestedKeyId}, ${f.attested ?? null}, ${f.writtenBy}, ${f.derivedFrom},
      ${JSON.stringify(f.warnings)}, ${f.sourceTrust}, ${f.quarantineGardenId}, ${f.quarantineReason})`);
  return Number(r.lastInsertRowid);
}
