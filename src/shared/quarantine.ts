// The quarantine screen's part of the admin contract: facts held for review, and a moderator's decision on them.
import { fail, ok, type Result } from './result.js';
import { objectWith } from './validators.js';

export const QUARANTINE_VIEWS = ['pending', 'promoted', 'rejected'] as const;
export type QuarantineView = (typeof QUARANTINE_VIEWS)[number];

export interface QuarantinedItem {
  factId: string;
  entity: string;
  relation: string;
  /** The value as stored (strings as they are, numbers as their literal). */
  value: string;
  valueType: string;
  scope: string;
  source: string;
  /** The source's trust score when the fact arrived (why it was held, with `reason`). */
  sourceTrust: number | null;
  receivedFrom: string | null;
  timestamp: string;
  status: string;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}

export interface QuarantineQuery {
  status: QuarantineView;
  limit: number;
  /** How many of the newest to skip, to reach older pages (as GET /v1/quarantine's offset). */
  offset?: number;
}

export interface QuarantinePage {
  items: QuarantinedItem[];
  /** How many facts have this status in all. */
  total: number;
}

export interface QuarantineDecision {
  factIds: string[];
  action: 'promote' | 'reject';
  /** Why: required to reject, optional to promote. */
  reason?: string;
}

export interface QuarantineOutcome {
  decided: string[];
  /** Facts left as they were, each with the node's code and words (already decided, not found, …). */
  refused: { factId: string; code: string; message: string }[];
}

export const MAX_DECISION_BATCH = 100;
export const MAX_QUARANTINE_LIMIT = 200;
export const MAX_QUARANTINE_OFFSET = 10_000_000;
const MAX_REASON = 1000;


export function validateQuarantineQuery(arg: unknown): Result<QuarantineQuery> {
  if (arg === undefined || arg === null) return ok({ status: 'pending', limit: 50 });
  const f = objectWith(arg, ['status', 'limit', 'offset'], '{"status": "pending", "limit": 50, "offset": 0}');
  if (!f.ok) return f;
  const { status = 'pending', limit = 50, offset } = f.value;
  if (!(QUARANTINE_VIEWS as readonly unknown[]).includes(status)) return fail('validation_failed', `status is one of ${QUARANTINE_VIEWS.join(', ')}`);
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_QUARANTINE_LIMIT) return fail('validation_failed', `limit must be a whole number from 1 to ${MAX_QUARANTINE_LIMIT}`);
  if (offset !== undefined && (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > MAX_QUARANTINE_OFFSET)) {
    return fail('validation_failed', `offset must be a whole number from 0 to ${MAX_QUARANTINE_OFFSET}`);
  }
  return ok({ status: status as QuarantineView, limit, ...(offset !== undefined ? { offset } : {}) });
}

export function validateQuarantineDecision(arg: unknown): Result<QuarantineDecision> {
  const f = objectWith(arg, ['factIds', 'action', 'reason'], '{"factIds": ["…"], "action": "reject", "reason": "…"}');
  if (!f.ok) return f;
  const { factIds, action, reason } = f.value;
  if (action !== 'promote' && action !== 'reject') return fail('validation_failed', 'action is promote or reject');
  if (!Array.isArray(factIds) || factIds.length === 0 || factIds.length > MAX_DECISION_BATCH) return fail('validation_failed', `choose 1 to ${MAX_DECISION_BATCH} facts`);
  if (!factIds.every((id) => typeof id === 'string' && id !== '' && id.length <= 256)) return fail('validation_failed', 'fact ids are non-empty text');
  if (reason !== undefined && typeof reason !== 'string') return fail('validation_failed', 'reason is text');
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (why.length > MAX_REASON) return fail('validation_failed', `the reason is longer than ${MAX_REASON} characters`);
  if (action === 'reject' && why === '') return fail('validation_failed', 'say why these facts are rejected (it is recorded with the decision)');
  return ok({ factIds: [...new Set(factIds as string[])], action, ...(why !== '' ? { reason: why } : {}) });
}
