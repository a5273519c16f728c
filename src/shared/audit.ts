// The audit log's part of the admin contract: events newest first, by category or peer, page by page.
import { checkId } from './peers.js';
import { fail, ok, type Result } from './result.js';
import { objectWith } from './validators.js';

export const AUDIT_CATEGORIES = ['federation', 'fact', 'admin', 'identity'] as const;
export type AuditCategoryName = (typeof AUDIT_CATEGORIES)[number];

export interface AuditEvent {
  id: string;
  ts: string;
  category: string;
  eventType: string;
  peerId: string | null;
  /** Who acted, and on what (a fact id, a token id, a source …), when the event names them. */
  actor: string | null;
  subject: string | null;
  detail: Record<string, unknown> | null;
}

/** Events an operator should look at: a refusal or a failure, as opposed to ordinary progress. */
export const ALARMING_EVENT_TYPES: ReadonlySet<string> = new Set([
  'signature_mismatch', 'scope_violation', 'rejected_fact', 'rejected_facts_summarised', 'peer_approval_failed', 'rejected_token', 'replay_attempt', 'pull_failed',
  'capability_rejected', 'revocation_rejected', 'revocation_pull_failed', 'quarantine_reject', 'database_backup_failed', 'san_mismatch', 'api_key_refused',
]);

export interface AuditQuery {
  limit: number;
  cursor?: string;
  category?: AuditCategoryName;
  peerId?: string;
  /** Only events of this type (`api_key_created`, `pull_failed` …). */
  eventType?: string;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Pass back to continue with older events; null when there are none. */
  cursor: string | null;
}

export const DEFAULT_AUDIT_LIMIT = 20;
export const MAX_AUDIT_LIMIT = 100;

export function validateAuditQuery(arg: unknown): Result<AuditQuery> {
  if (arg === undefined || arg === null) return ok({ limit: DEFAULT_AUDIT_LIMIT });
  const f = objectWith(arg, ['limit', 'cursor', 'category', 'peerId', 'eventType'], '{"limit": 20, "category": "federation"}');
  if (!f.ok) return f;
  const { limit = DEFAULT_AUDIT_LIMIT, cursor, category, peerId, eventType } = f.value;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) return fail('validation_failed', `limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}`);
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor === '' || cursor.length > 200)) return fail('validation_failed', 'cursor must be the text a previous page returned');
  if (category !== undefined && !(AUDIT_CATEGORIES as readonly unknown[]).includes(category)) return fail('validation_failed', `category is one of ${AUDIT_CATEGORIES.join(', ')}`);
  if (peerId !== undefined) {
    const id = checkId(peerId);
    if (!id.ok) return id;
  }
  if (eventType !== undefined && (typeof eventType !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(eventType))) return fail('validation_failed', 'eventType is an event name such as api_key_created');
  return ok({
    limit, ...(cursor !== undefined ? { cursor: cursor as string } : {}), ...(category !== undefined ? { category: category as AuditCategoryName } : {}),
    ...(peerId !== undefined ? { peerId: peerId as string } : {}), ...(eventType !== undefined ? { eventType: eventType as string } : {}),
  });
}
