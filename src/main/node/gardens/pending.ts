// Whether a quarantine garden still holds facts awaiting a decision (it may not be deleted while it does).
import { sql, type ReadDb } from '../db/sql.js';

/** True while any fact routed into this quarantine garden has no moderation decision yet. */
export function quarantineGardenHasPendingFacts(db: ReadDb, gardenId: string): boolean {
  // Facts carry no decision record yet, so every fact routed into the garden counts as pending.
  return db.get(sql`SELECT 1 FROM facts WHERE quarantine_garden_id = ${gardenId} LIMIT 1`) !== undefined;
}
