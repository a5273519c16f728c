// The audit log keeps every change and refusal; only routine progress (`pull_completed`, one per pull that brought
// facts, thousands a day from a busy peer) is dropped after STIGMEM_AUDIT_PROGRESS_RETENTION_DAYS, so the log cannot
// fill a workstation's disk. 0 keeps them too.
import { isoFromMs } from '../clock.js';
import { sql, type WriteDb } from '../db/sql.js';
import { storageFailureOf } from '../db/storageErrors.js';
import type { App, NodeDeps } from '../server/deps.js';

export const PROGRESS_EVENT_TYPES = ['pull_completed'] as const;
const DAY_MS = 86_400_000;
const EVERY_MS = 60 * 60_000;
/** Rows removed per transaction: a long backlog is cleared in short steps that never hold the writer for long. */
const BATCH = 2_000;

/** Remove progress events older than `days`; returns how many were removed. */
export function pruneProgressEvents(db: WriteDb, nowMs: number, days: number): number {
  if (days <= 0) return 0;
  const cutoff = isoFromMs(nowMs - days * DAY_MS);
  let removed = 0;
  for (;;) {
    // Oldest first along audit_events_type: each step reads only the rows it removes (and one it keeps).
    const n = db.run(sql`DELETE FROM audit_events WHERE seq IN (
        SELECT seq FROM audit_events WHERE event_type IN (SELECT value FROM json_each(${JSON.stringify(PROGRESS_EVENT_TYPES)}))
          AND ts < ${cutoff} ORDER BY event_type, seq LIMIT ${BATCH})`).changes;
    removed += n;
    if (n < BATCH) return removed;
  }
}

/** Prune when the node is ready and hourly after; a database that cannot be written now is tried again next hour. */
export function registerAuditRetention(app: App, deps: NodeDeps): void {
  const days = deps.config.auditProgressRetentionDays;
  if (days <= 0) return;
  let timer: NodeJS.Timeout | null = null;
  const prune = (): void => {
    try {
      pruneProgressEvents(deps.db, deps.clock.nowMs(), days);
    } catch (e) {
      // Never fatal to the node: the rows wait for the next hour.
      if (storageFailureOf(e) !== null) app.log.warn({ err: e }, 'audit retention: the database cannot be written now; trying again in an hour');
      else app.log.error({ err: e }, 'audit retention failed; trying again in an hour');
    }
  };
  app.addHook('onReady', async () => {
    prune();
    timer = setInterval(prune, EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
