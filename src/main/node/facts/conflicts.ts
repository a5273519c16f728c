// Contradictions (REFERENCE-NODE.md §10.6): detection on write, resolution by a caller, closure by retraction.
import { randomUUID } from 'node:crypto';
import { sql, type WriteDb } from '../db/sql.js';
import { CONTRADICTED_SQL, IN_QUARANTINE_SQL, RETRACTED_SQL, type FactRow } from './repo.js';
import { insertSystemFact, type WriteContext } from './writeContext.js';

export const CONFLICT_ID_PREFIX = 'stigmem:conflict:';
export const RESOLUTION_ENTITY_PREFIX = 'stigmem:resolution:';
/** Conflict bookkeeping facts are local: they describe this node's view, never replicated. */
const META_SCOPE = 'local';

export interface ConflictRow {
  id: string;
  seq: number;
  fact_a: string;
  fact_b: string;
  status: 'unresolved' | 'resolved';
  detected_at: string;
  resolved_by: string | null;
  resolved_at: string | null;
  winning_fact_id: string | null;
  resolution_fact_id: string | null;
  resolution_note: string | null;
}

type NewFact = Pick<FactRow, 'id' | 'entity' | 'relation' | 'scope' | 'garden_id' | 'value_type' | 'value_v'>;

/**
 * The live facts a new fact contradicts: same entity, relation, scope and garden, confidence > 0, another value,
 * not retracted, not the loser of a resolved conflict, not expired, not in quarantine.
 */
function contradictedSiblings(db: WriteDb, f: NewFact, nowMs: number): string[] {
  return db
    .all<{ id: string }>(
      sql`SELECT f.id FROM facts f INDEXED BY facts_triple_cid
        WHERE f.entity = ${f.entity} AND f.relation = ${f.relation} AND f.scope = ${f.scope} AND f.garden_id IS ${f.garden_id}
          AND f.id != ${f.id} AND f.confidence > 0 AND NOT (f.value_type = ${f.value_type} AND f.value_v = ${f.value_v})
          AND NOT ${RETRACTED_SQL} AND NOT ${IN_QUARANTINE_SQL}
          AND (f.valid_until_ms IS NULL OR f.valid_until_ms > ${nowMs})
          AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE (c.fact_a = f.id OR c.fact_b = f.id)
                            AND c.status = 'resolved' AND c.winning_fact_id IS NOT f.id)
        ORDER BY f.seq`,
    )
    .map((r) => r.id);
}

function conflictBetween(db: WriteDb, a: string, b: string): boolean {
  return db.get(sql`SELECT 1 AS hit FROM conflicts WHERE (fact_a = ${a} AND fact_b = ${b}) OR (fact_a = ${b} AND fact_b = ${a})`) !== undefined;
}

/** One conflict per contradicting pair, with its two meta-facts; returns the new conflict ids. */
export function recordContradictions(ctx: WriteContext, f: NewFact): string[] {
  const ids: string[] = [];
  for (const other of contradictedSiblings(ctx.db, f, ctx.nowMs)) {
    if (conflictBetween(ctx.db, f.id, other)) continue;
    const conflictId = CONFLICT_ID_PREFIX + randomUUID();
    insertSystemFact(ctx, { entity: conflictId, relation: 'stigmem:conflict:between', valueType: 'text', valueV: `${f.id} ${other}`, scope: META_SCOPE, gardenId: f.garden_id });
    insertSystemFact(ctx, { entity: conflictId, relation: 'stigmem:conflict:status', valueType: 'string', valueV: 'unresolved', scope: META_SCOPE, gardenId: f.garden_id });
    ctx.db.run(sql`INSERT INTO conflicts (id, seq, fact_a, fact_b, status, detected_at)
      VALUES (${conflictId}, (SELECT COALESCE(MAX(seq), 0) + 1 FROM conflicts), ${f.id}, ${other}, 'unresolved', ${ctx.timestamp})`);
    ids.push(conflictId);
  }
  return ids;
}

export interface Closure {
  winningFactId: string | null;
  resolutionFactId: string;
  note: string | null;
}

/** Close a conflict: its status meta-fact and its row (the conflicting facts themselves are never rewritten). */
export function closeConflict(ctx: WriteContext, c: Pick<ConflictRow, 'id'>, gardenId: string | null, closure: Closure): void {
  insertSystemFact(ctx, { entity: c.id, relation: 'stigmem:conflict:status', valueType: 'string', valueV: 'resolved', scope: META_SCOPE, gardenId });
  ctx.db.run(sql`UPDATE conflicts SET status = 'resolved', resolved_by = ${ctx.actor}, resolved_at = ${ctx.timestamp},
      winning_fact_id = ${closure.winningFactId}, resolution_fact_id = ${closure.resolutionFactId}, resolution_note = ${closure.note}
    WHERE id = ${c.id} AND status = 'unresolved'`);
}

/** A retraction settles the open conflicts of the facts it retracts in favour of the other side. */
export function closeConflictsOfRetracted(ctx: WriteContext, retraction: NewFact & { seq: number }): number {
  const open = ctx.db.all<ConflictRow & { retracted_id: string }>(
    sql`SELECT c.*, f.id AS retracted_id FROM facts f INDEXED BY facts_triple_cid JOIN conflicts c ON (c.fact_a = f.id OR c.fact_b = f.id) AND c.status = 'unresolved'
      WHERE f.entity = ${retraction.entity} AND f.relation = ${retraction.relation} AND f.scope = ${retraction.scope}
        AND f.garden_id IS ${retraction.garden_id} AND f.value_type = ${retraction.value_type} AND f.value_v = ${retraction.value_v}
        AND f.confidence > 0 AND f.seq < ${retraction.seq}`,
  );
  for (const c of open) {
    const winner = c.fact_a === c.retracted_id ? c.fact_b : c.fact_a;
    closeConflict(ctx, c, retraction.garden_id, { winningFactId: winner, resolutionFactId: retraction.id, note: 'retracted' });
  }
  return open.length;
}

export function conflictRow(db: WriteDb, id: string): ConflictRow | undefined {
  return db.get<ConflictRow>(sql`SELECT * FROM conflicts WHERE id = ${id}`);
}

/** For tests and diagnostics: is this fact currently shown as contradicted? */
export function isContradicted(db: WriteDb, factId: string): boolean {
  return db.get<{ v: number }>(sql`SELECT ${CONTRADICTED_SQL} AS v FROM facts f WHERE f.id = ${factId}`)?.v === 1;
}
