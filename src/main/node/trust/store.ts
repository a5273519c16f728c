// Trust storage: operator overrides (by source or prefix) and the sources scored at ingest.
import { isoFromMs } from '../clock.js';
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';
import { overrideCandidates } from './prefix.js';

export interface TrustOverrideRow {
  source: string;
  score: number;
  note: string | null;
  set_by: string;
  set_at: string;
}

export interface SeenSourceRow {
  source: string;
  scope: string;
  via: 'federation' | 'token';
  last_score: number | null;
  last_seen_at: string;
  last_seen_ms: number;
  facts_seen: number;
}

export function listOverrides(db: ReadDb): TrustOverrideRow[] {
  return db.all<TrustOverrideRow>(sql`SELECT * FROM trust_overrides ORDER BY source`);
}

export function getOverride(db: ReadDb, key: string): TrustOverrideRow | undefined {
  return db.get<TrustOverrideRow>(sql`SELECT * FROM trust_overrides WHERE source = ${key}`);
}

/** The override that applies to `source`: the longest matching key. */
export function bestOverride(db: ReadDb, source: string): TrustOverrideRow | undefined {
  return db.get<TrustOverrideRow>(sql`SELECT * FROM trust_overrides
    WHERE source IN (SELECT value FROM json_each(${JSON.stringify(overrideCandidates(source))}))
    ORDER BY length(source) DESC LIMIT 1`);
}

export function putOverride(db: WriteDb, o: TrustOverrideRow): void {
  db.run(sql`INSERT INTO trust_overrides (source, score, note, set_by, set_at) VALUES (${o.source}, ${o.score}, ${o.note}, ${o.set_by}, ${o.set_at})
    ON CONFLICT (source) DO UPDATE SET score = excluded.score, note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at`);
}

export function deleteOverride(db: WriteDb, key: string): boolean {
  return db.run(sql`DELETE FROM trust_overrides WHERE source = ${key}`).changes > 0;
}

export interface SeenSource {
  source: string;
  scope: string;
  via: 'federation' | 'token';
  score: number | null;
  nowMs: number;
  /** How many facts this note stands for (a page notes each source once); 1 when absent. */
  count?: number;
}

export function noteSourceSeen(db: WriteDb, s: SeenSource): void {
  const n = s.count ?? 1;
  db.run(sql`INSERT INTO trust_sources_seen (source, scope, via, last_score, last_seen_at, last_seen_ms, facts_seen)
    VALUES (${s.source}, ${s.scope}, ${s.via}, ${s.score}, ${isoFromMs(s.nowMs)}, ${s.nowMs}, ${n})
    ON CONFLICT (source) DO UPDATE SET scope = excluded.scope, via = excluded.via, last_score = excluded.last_score,
      last_seen_at = excluded.last_seen_at, last_seen_ms = excluded.last_seen_ms, facts_seen = facts_seen + ${n}`);
}

export function recentSources(db: ReadDb, limit: number): SeenSourceRow[] {
  return db.all<SeenSourceRow>(sql`SELECT * FROM trust_sources_seen ORDER BY last_seen_ms DESC, source LIMIT ${limit}`);
}

export function seenSource(db: ReadDb, source: string): SeenSourceRow | undefined {
  return db.get<SeenSourceRow>(sql`SELECT * FROM trust_sources_seen WHERE source = ${source}`);
}
