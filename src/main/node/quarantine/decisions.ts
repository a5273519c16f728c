// Moderation decisions: one append-only row per quarantined fact (who, when, why, what, where to). Facts are never
// rewritten; a decision is what promotes a fact into recall or makes it read confidence 0.
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';

export type DecisionAction = 'promoted' | 'rejected';

export interface DecisionRow {
  seq: number;
  fact_id: string;
  quarantine_garden_id: string;
  action: DecisionAction;
  target_garden_id: string | null;
  reason: string;
  acted_by: string;
  acted_at: string;
}

export type NewDecision = Omit<DecisionRow, 'seq'>;

export function decisionFor(db: ReadDb, factId: string): DecisionRow | undefined {
  return db.get<DecisionRow>(sql`SELECT * FROM quarantine_decisions WHERE fact_id = ${factId}`);
}

export function insertDecision(db: WriteDb, d: NewDecision): DecisionRow {
  const res = db.run(sql`INSERT INTO quarantine_decisions (fact_id, quarantine_garden_id, action, target_garden_id, reason, acted_by, acted_at)
    VALUES (${d.fact_id}, ${d.quarantine_garden_id}, ${d.action}, ${d.target_garden_id}, ${d.reason}, ${d.acted_by}, ${d.acted_at})`);
  return { seq: Number(res.lastInsertRowid), ...d };
}
