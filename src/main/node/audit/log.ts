// The audit trail: append-only events, newest first, paged by an opaque cursor that stays stable as events arrive.
import { AUDIT_CATEGORIES, type AuditCategoryName } from '../../../shared/audit.js';
import { randomUUID } from 'node:crypto';
import { isoFromMs } from '../clock.js';
import { joinSql, sql, type ReadDb, type Sql, type WriteDb } from '../db/sql.js';
import { badRequest } from '../errors.js';

export { AUDIT_CATEGORIES };
export type AuditCategory = AuditCategoryName;

export interface AuditInput {
  category: AuditCategory;
  eventType: string;
  actor?: string | null;
  peerId?: string | null;
  subject?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditEntry {
  id: string;
  peer_id: string | null;
  event_type: string;
  detail: Record<string, unknown> | null;
  ts: string;
  actor: string | null;
  subject: string | null;
  category: AuditCategory;
}

interface AuditRow {
  seq: number;
  id: string;
  ts: string;
  category: AuditCategory;
  event_type: string;
  actor: string | null;
  peer_id: string | null;
  subject: string | null;
  detail: string | null;
}

/**
 * For refusals anyone can repeat: `allow(key, nowMs)` is true at most once per key per `quietMs`, so a caller sending
 * the same bad credential cannot flood the log (the first of each kind is always recorded).
 */
export function auditThrottle(quietMs = 60_000, maxKeys = 10_000): (key: string, nowMs: number) => boolean {
  const last = new Map<string, number>();
  return (key, nowMs) => {
    if ((last.get(key) ?? -Infinity) > nowMs - quietMs) return false;
    if (last.size > maxKeys) last.clear();
    last.set(key, nowMs);
    return true;
  };
}

export function recordAudit(db: WriteDb, e: AuditInput, nowMs: number): string {
  const id = randomUUID();
  db.run(sql`INSERT INTO audit_events (id, ts, category, event_type, actor, peer_id, subject, detail)
    VALUES (${id}, ${isoFromMs(nowMs)}, ${e.category}, ${e.eventType}, ${e.actor ?? null}, ${e.peerId ?? null}, ${e.subject ?? null},
            ${e.detail ? JSON.stringify(e.detail) : null})`);
  return id;
}

const encodeCursor = (seq: number): string => Buffer.from(`a:${seq}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const m = /^a:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badRequest('cursor is not one this node issued', 'invalid_cursor');
  return Number(m[1]);
}

export interface AuditQuery {
  categories?: AuditCategory[];
  peerId?: string;
  eventType?: string;
  cursor?: string;
  limit: number;
}

/** Newest first; `cursor` continues strictly after the last entry of the previous page. */
export function listAudit(db: ReadDb, q: AuditQuery): { entries: AuditEntry[]; cursor: string | null; has_more: boolean } {
  const where: Sql[] = [sql`1 = 1`];
  if (q.categories && q.categories.length > 0) where.push(sql`category IN (SELECT value FROM json_each(${JSON.stringify(q.categories)}))`);
  if (q.peerId) where.push(sql`peer_id = ${q.peerId}`);
  if (q.eventType) where.push(sql`event_type = ${q.eventType}`);
  if (q.cursor) where.push(sql`seq < ${decodeCursor(q.cursor)}`);
  const rows = db.all<AuditRow>(sql`SELECT * FROM audit_events WHERE ${joinSql(where, ' AND ')} ORDER BY seq DESC LIMIT ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const hasMore = rows.length > q.limit;
  return {
    entries: page.map((r) => ({
      id: r.id,
      peer_id: r.peer_id,
      event_type: r.event_type,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
      ts: r.ts,
      actor: r.actor,
      subject: r.subject,
      category: r.category,
    })),
    cursor: hasMore && page.length > 0 ? encodeCursor(page[page.length - 1]!.seq) : null,
    has_more: hasMore,
  };
}
