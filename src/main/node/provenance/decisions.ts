// Moderation decisions on a fact (promote, reject), as the quarantine component records them.
import type { ReadDb } from '../db/sql.js';
import { decisionFor } from '../quarantine/decisions.js';

export interface ModerationDecision {
  action: 'promoted' | 'rejected';
  decided_by: string;
  decided_at: string;
  reason: string;
  quarantine_garden_id: string;
  target_garden_id: string | null;
}

export function moderationDecisions(db: ReadDb, factId: string): ModerationDecision[] {
  const d = decisionFor(db, factId);
  if (!d) return [];
  return [{ action: d.action, decided_by: d.acted_by, decided_at: d.acted_at, reason: d.reason, quarantine_garden_id: d.quarantine_garden_id, target_garden_id: d.target_garden_id }];
}
