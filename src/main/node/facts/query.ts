// GET /v1/facts as SQL: the filters, the default hiding rules, a real total and stable newest-first paging by seq.
import { badRequest } from '../errors.js';
import { joinSql, sql, type ReadDb, type Sql } from '../db/sql.js';
import { CONTRADICTED_SQL, FACT_SELECT, IN_QUARANTINE_SQL, RETRACTED_SQL, SHOWN_GARDEN_SQL, type FactRow } from './repo.js';

export interface FactFilter {
  entity?: string;
  relation?: string;
  source?: string;
  scope?: string;
  minConfidence: number;
  includeContradicted: boolean;
  includeExpired: boolean;
  includeRetracted: boolean;
  /** Timestamp text; facts stamped later (text comparison, as the reference). */
  after?: string;
  gardenId?: string;
  /** Also the facts promoted out of quarantine into gardenId (slower; queryFacts sets it only when there are any). */
  withPromotedInto?: boolean;
  /** Gardens the caller may read; undefined = all (node admins). */
  readableGardenIds?: string[];
  nowMs: number;
}

/** The WHERE clause (without the word) for a filter; `f` is the facts alias. */
export function factWhere(q: FactFilter): Sql {
  const parts: Sql[] = [sql`f.confidence >= ${q.minConfidence}`, sql`NOT ${IN_QUARANTINE_SQL}`];
  if (q.entity !== undefined) parts.push(sql`f.entity = ${q.entity}`);
  // The node's `stigmem:` bookkeeping facts appear only when a relation filter names them.
  if (q.relation !== undefined) parts.push(sql`f.relation = ${q.relation}`);
  else parts.push(sql`NOT (substr(f.relation, 1, 8) = 'stigmem:' AND substr(f.relation, 1, 10) <> 'stigmem://')`);
  if (q.source !== undefined) parts.push(sql`f.source = ${q.source}`);
  if (q.scope !== undefined) parts.push(sql`f.scope = ${q.scope}`);
  if (q.after !== undefined) parts.push(sql`f.timestamp > ${q.after}`);
  // A promoted quarantine fact belongs to the garden its promotion named, whatever garden it was written to.
  if (q.gardenId !== undefined && q.withPromotedInto === true) {
    parts.push(sql`((f.garden_id = ${q.gardenId} AND f.quarantine_garden_id IS NULL)
      OR f.id IN (SELECT d.fact_id FROM quarantine_decisions d WHERE d.target_garden_id = ${q.gardenId} AND d.action = 'promoted'))`);
  } else if (q.gardenId !== undefined) parts.push(sql`f.garden_id = ${q.gardenId} AND f.quarantine_garden_id IS NULL`);
  if (q.readableGardenIds !== undefined) {
    const readable = sql`(SELECT value FROM json_each(${JSON.stringify(q.readableGardenIds)}))`;
    parts.push(sql`(${SHOWN_GARDEN_SQL} IS NULL OR ${SHOWN_GARDEN_SQL} IN ${readable})`);
  }
  if (!q.includeRetracted) parts.push(sql`f.confidence > 0 AND NOT ${RETRACTED_SQL}`);
  if (!q.includeContradicted) parts.push(sql`NOT ${CONTRADICTED_SQL}`);
  if (!q.includeExpired) parts.push(sql`(f.valid_until_ms IS NULL OR f.valid_until_ms > ${q.nowMs})`);
  return joinSql(parts, ' AND ');
}

export function factPageSql(q: FactFilter, beforeSeq: number | null, limit: number): Sql {
  const page = beforeSeq === null ? sql`` : sql` AND f.seq < ${beforeSeq}`;
  return sql`${FACT_SELECT} WHERE ${factWhere(q)}${page} ORDER BY f.seq DESC LIMIT ${limit}`;
}

export function factCountSql(q: FactFilter): Sql {
  return sql`SELECT COUNT(*) AS n FROM facts f WHERE ${factWhere(q)}`;
}

const CURSOR_PREFIX = 'f';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeSeqCursor(seq: number, prefix = CURSOR_PREFIX): string {
  return Buffer.from(`${prefix}${seq}`, 'utf8').toString('base64url');
}

/** The seq a cursor stands for; throws 400 on anything that is not one of our cursors. */
export function decodeSeqCursor(cursor: string, prefix = CURSOR_PREFIX): number {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = new RegExp(`^${prefix}(\\d{1,15})$`).exec(text);
  if (!m) throw badRequest('invalid cursor', 'invalid_cursor');
  return Number(m[1]);
}

/** Our opaque cursor, or (as reference clients send) the id of the last fact seen. */
function cursorSeq(db: ReadDb, cursor: string): number {
  if (UUID.test(cursor)) {
    const row = db.get<{ seq: number }>(sql`SELECT seq FROM facts WHERE id = ${cursor}`);
    if (!row) throw badRequest('invalid cursor', 'invalid_cursor');
    return row.seq;
  }
  return decodeSeqCursor(cursor);
}

export interface FactPage {
  rows: FactRow[];
  total: number;
  cursor: string | null;
}

export function queryFacts(db: ReadDb, filter: FactFilter, page: { limit: number; cursor?: string }): FactPage {
  const isPromotionTarget = filter.gardenId !== undefined
    && db.get(sql`SELECT 1 FROM quarantine_decisions WHERE target_garden_id = ${filter.gardenId} LIMIT 1`) !== undefined;
  const q: FactFilter = isPromotionTarget ? { ...filter, withPromotedInto: true } : filter;
  const beforeSeq = page.cursor ? cursorSeq(db, page.cursor) : null;
  const rows = db.all<FactRow>(factPageSql(q, beforeSeq, page.limit + 1));
  const hasMore = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const total = db.get<{ n: number }>(factCountSql(q))?.n ?? 0;
  return { rows: shown, total, cursor: hasMore && shown.length > 0 ? encodeSeqCursor(shown[shown.length - 1]!.seq) : null };
}
