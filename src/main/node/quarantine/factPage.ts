// GET /v1/facts?garden=quarantine (the runbook's listing): the facts of every quarantine garden the caller may list,
// as a standard fact page ({facts, total, cursor}); pending unless `quarantine_status` says otherwise.
import type { Principal } from '../auth/permissions.js';
import type { ReadDb } from '../db/sql.js';
import { decodeSeqCursor, encodeSeqCursor, type FactPage } from '../facts/query.js';
import { gardenByRef } from '../facts/gardenRef.js';
import { listableQuarantineGardens } from './access.js';
import { countQuarantined, quarantinedFactRows, type QuarantineFilter } from './listing.js';

export const QUARANTINE_GARDEN_PARAM = 'quarantine';
const DEFAULT_LIMIT = 50;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** True when a GET /v1/facts query asks for the quarantine listing. */
export function isQuarantineListing(query: Record<string, unknown>): boolean {
  return query['garden'] === QUARANTINE_GARDEN_PARAM;
}

/** The page, or null when the query is a standard one. `limit` and `cursor` were validated by the facts route. */
export function quarantinedFactsPage(db: ReadDb, principal: Principal, query: Record<string, unknown>): FactPage | null {
  if (!isQuarantineListing(query)) return null;
  let gardenIds = listableQuarantineGardens(db, principal);
  const ref = text(query['garden_id']);
  if (ref !== undefined) {
    const garden = gardenByRef(db, ref);
    const isVisible = garden !== undefined && garden.quarantine === 1 && (gardenIds === undefined || gardenIds.includes(garden.id));
    gardenIds = isVisible ? [garden.id] : [];
  }
  const filter: QuarantineFilter = { gardenIds, status: text(query['quarantine_status']) ?? 'pending' };
  const limit = typeof query['limit'] === 'number' ? query['limit'] : DEFAULT_LIMIT;
  const cursor = text(query['cursor']);
  const rows = quarantinedFactRows(db, filter, cursor === undefined ? null : decodeSeqCursor(cursor), limit + 1);
  const shown = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return { rows: shown, total: countQuarantined(db, filter), cursor: hasMore && shown.length > 0 ? encodeSeqCursor(shown[shown.length - 1]!.seq) : null };
}
