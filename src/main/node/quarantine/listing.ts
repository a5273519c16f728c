// Listing quarantined facts, newest first: GET /v1/quarantine items and the GET /v1/facts?garden=quarantine page.
// Both walk the partial quarantine indexes, and totals are index-only counts, so 100,000 pending facts list fast.
import { joinSql, raw, sql, type ReadDb, type Sql } from '../db/sql.js';
import { FACT_SELECT, QUARANTINE_STATUS_SQL, type FactRow } from '../facts/repo.js';
import { pyFloat, type RawJson } from '../json/pyjson.js';

export const QUARANTINE_STATUSES = ['pending', 'promoted', 'rejected'] as const;

export interface QuarantineFilter {
  /** The quarantine gardens to list; undefined means every one. */
  gardenIds?: readonly string[];
  /** null lists every status; a string that is no status matches nothing (as the reference). */
  status: string | null;
}

const isKnownStatus = (s: string): boolean => (QUARANTINE_STATUSES as readonly string[]).includes(s);

function gardenClause(column: Sql, ids: readonly string[] | undefined): Sql | null {
  if (ids === undefined) return null;
  if (ids.length === 1) return sql`${column} = ${ids[0]!}`;
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/** The WHERE clause (without the word) over `facts f`. */
export function quarantineWhere(filter: QuarantineFilter): Sql {
  const parts: Sql[] = [sql`f.quarantine_garden_id IS NOT NULL`];
  const ids = filter.gardenIds;
  // With several gardens, the unary + keeps the walk on facts_quarantined_seq (already in seq order, so no sort).
  const garden = gardenClause(ids !== undefined && ids.length > 1 ? sql`+f.quarantine_garden_id` : sql`f.quarantine_garden_id`, ids);
  if (garden) parts.push(garden);
  if (filter.status === 'pending') parts.push(sql`NOT EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.fact_id = f.id)`);
  else if (filter.status !== null && isKnownStatus(filter.status)) {
    parts.push(sql`EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.fact_id = f.id AND d.action = ${filter.status})`);
  } else if (filter.status !== null) parts.push(sql`0`);
  return joinSql(parts, ' AND ');
}

const isEmptySelection = (filter: QuarantineFilter): boolean =>
  (filter.gardenIds !== undefined && filter.gardenIds.length === 0) || (filter.status !== null && !isKnownStatus(filter.status));

/** Pending = quarantined − decided: two index-only counts instead of a decision probe per fact. */
export function countQuarantined(db: ReadDb, filter: QuarantineFilter): number {
  if (isEmptySelection(filter)) return 0;
  const count = (q: Sql): number => db.get<{ n: number }>(q)?.n ?? 0;
  const factsGarden = gardenClause(sql`quarantine_garden_id`, filter.gardenIds);
  const decided = (action: string | null): number => {
    const where: Sql[] = [sql`1 = 1`];
    const g = gardenClause(sql`quarantine_garden_id`, filter.gardenIds);
    if (g) where.push(g);
    if (action !== null) where.push(sql`action = ${action}`);
    return count(sql`SELECT COUNT(*) AS n FROM quarantine_decisions WHERE ${joinSql(where, ' AND ')}`);
  };
  if (filter.status === 'promoted' || filter.status === 'rejected') return decided(filter.status);
  const all = count(sql`SELECT COUNT(*) AS n FROM facts WHERE quarantine_garden_id IS NOT NULL${factsGarden ? sql` AND ${factsGarden}` : sql``}`);
  return filter.status === 'pending' ? all - decided(null) : all;
}

export function quarantineItemsSql(filter: QuarantineFilter, limit: number, offset: number): Sql {
  const decision = (col: 'acted_by' | 'acted_at' | 'reason' | 'target_garden_id'): Sql => sql`(SELECT d.${raw(col)} FROM quarantine_decisions d WHERE d.fact_id = f.id)`;
  return sql`SELECT f.id AS fact_id, f.entity, f.relation, f.source, ${QUARANTINE_STATUS_SQL} AS quarantine_status,
      f.quarantine_garden_id, f.quarantine_reason, ${decision('acted_by')} AS quarantine_acted_by, ${decision('acted_at')} AS quarantine_acted_at,
      ${decision('reason')} AS decision_reason, ${decision('target_garden_id')} AS target_garden_id,
      f.source_trust, f.received_from, f.timestamp
    FROM facts f WHERE ${quarantineWhere(filter)} ORDER BY f.seq DESC LIMIT ${limit} OFFSET ${offset}`;
}

interface ItemRow {
  fact_id: string;
  entity: string;
  relation: string;
  source: string;
  quarantine_status: string;
  quarantine_garden_id: string;
  quarantine_reason: string | null;
  quarantine_acted_by: string | null;
  quarantine_acted_at: string | null;
  decision_reason: string | null;
  target_garden_id: string | null;
  source_trust: number | null;
  received_from: string | null;
  timestamp: string;
}

export type QuarantineItem = Omit<ItemRow, 'source_trust'> & { source_trust: RawJson | null };

export function listQuarantineItems(db: ReadDb, filter: QuarantineFilter, limit: number, offset: number): QuarantineItem[] {
  if (isEmptySelection(filter)) return [];
  return db.all<ItemRow>(quarantineItemsSql(filter, limit, offset)).map((r) => ({
    fact_id: r.fact_id,
    entity: r.entity,
    relation: r.relation,
    source: r.source,
    quarantine_status: r.quarantine_status,
    quarantine_garden_id: r.quarantine_garden_id,
    quarantine_reason: r.quarantine_reason,
    quarantine_acted_by: r.quarantine_acted_by,
    quarantine_acted_at: r.quarantine_acted_at,
    source_trust: r.source_trust === null ? null : pyFloat(r.source_trust),
    received_from: r.received_from,
    timestamp: r.timestamp,
    decision_reason: r.decision_reason,
    target_garden_id: r.target_garden_id,
  }));
}

export function quarantinedFactsSql(filter: QuarantineFilter, beforeSeq: number | null, limit: number): Sql {
  const page = beforeSeq === null ? sql`` : sql` AND f.seq < ${beforeSeq}`;
  return sql`${FACT_SELECT} WHERE ${quarantineWhere(filter)}${page} ORDER BY f.seq DESC LIMIT ${limit}`;
}

export function quarantinedFactRows(db: ReadDb, filter: QuarantineFilter, beforeSeq: number | null, limit: number): FactRow[] {
  if (isEmptySelection(filter)) return [];
  return db.all<FactRow>(quarantinedFactsSql(filter, beforeSeq, limit));
}
