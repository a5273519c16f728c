// Audit retention: only routine progress (pull_completed) older than the retention is removed, in batches, oldest
// first; every change and refusal stays however old; 0 keeps everything; a node prunes when it is ready.
import { describe, expect, it } from 'vitest';
import { recordAudit } from '../../../src/main/node/audit/log.js';
import { pruneProgressEvents } from '../../../src/main/node/audit/retention.js';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { makeTestNode } from '../../helpers/inject.js';
import { testClock } from '../manifests/fixtures.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('audit retention', () => {
  it('removes old progress events only, across batches, and keeps changes and refusals of any age', async () => {
    const n = await makeTestNode();
    try {
      const db = n.deps.db;
      const before = db.get<{ c: number }>(sql`SELECT COUNT(*) AS c FROM audit_events`)!.c;
      db.transaction(() => {
        for (let i = 0; i < 4500; i++) recordAudit(db, { category: 'federation', eventType: 'pull_completed', peerId: 'p1', detail: { i } }, NOW - 200 * DAY + i * 1000);
        for (let i = 0; i < 5; i++) recordAudit(db, { category: 'federation', eventType: 'pull_completed', peerId: 'p1', detail: { recent: i } }, NOW - 10 * DAY + i);
        recordAudit(db, { category: 'federation', eventType: 'signature_mismatch', peerId: 'p1' }, NOW - 300 * DAY);
        recordAudit(db, { category: 'admin', eventType: 'api_key_created', subject: 'k1' }, NOW - 300 * DAY);
      });
      expect(pruneProgressEvents(db, NOW, 0)).toBe(0);
      expect(pruneProgressEvents(db, NOW, 90)).toBe(4500);
      const left = db.all<{ event_type: string }>(sql`SELECT event_type FROM audit_events ORDER BY seq`).slice(before).map((r) => r.event_type);
      expect(left).toEqual([...Array(5).fill('pull_completed'), 'signature_mismatch', 'api_key_created']);
      expect(pruneProgressEvents(db, NOW, 90)).toBe(0);
      expect(pruneProgressEvents(db, NOW + 90 * DAY, 90)).toBe(5);
    } finally {
      await n.close();
    }
  });

  it('runs when the node is ready, by STIGMEM_AUDIT_PROGRESS_RETENTION_DAYS (90 unless set; 0 keeps them)', async () => {
    expect(loadConfig({}).config.auditProgressRetentionDays).toBe(90);
    expect(() => loadConfig({ STIGMEM_AUDIT_PROGRESS_RETENTION_DAYS: '-1' })).toThrow(/STIGMEM_AUDIT_PROGRESS_RETENTION_DAYS/);
    for (const [days, kept] of [['30', 0], ['0', 1]] as const) {
      const n = await makeTestNode({ STIGMEM_AUDIT_PROGRESS_RETENTION_DAYS: days }, { clock: testClock(NOW) });
      try {
        recordAudit(n.deps.db, { category: 'federation', eventType: 'pull_completed', peerId: 'p1' }, NOW - 31 * DAY);
        await n.app.ready();
        expect(n.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'pull_completed'`), `retention ${days}`).toHaveLength(kept);
      } finally {
        await n.close();
      }
    }
  });
});
