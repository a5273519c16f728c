// Whether a quarantine garden still holds facts awaiting a decision (it may not be deleted while it does).
import { sql, type ReadDb } from '../db/sql.js';

/** True while any fact routed into this quarantine garden has no moderation decision yet. */
export function quarantineGardenHasPendingFacts(db: ReadDb, gardenId: string): boolean {
  return db.get(sql`SELECT 1 FROM facts f WHERE f.quarantine_garden_id = ${gardenId}
    AND NOT EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.fact_id = f.id) LIMIT 1`) !== undefined;
}
