import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { listAudit, recordAudit } from '../../../src/main/node/audit/log.js';
import { HttpError } from '../../../src/main/node/errors.js';

describe('audit log', () => {
  it('pages newest first with a stable cursor while new events arrive', () => {
    const db = openDatabase(':memory:');
    for (let i = 0; i < 5; i++) recordAudit(db, { category: 'federation', eventType: 'pull_completed', peerId: 'p1', detail: { n: i } }, 1_000 + i);
    const first = listAudit(db, { categories: ['federation'], limit: 2 });
    expect(first.entries.map((e) => e.detail?.['n'])).toEqual([4, 3]);
    expect(first.has_more).toBe(true);
    recordAudit(db, { category: 'federation', eventType: 'pull_completed', peerId: 'p1', detail: { n: 5 } }, 2_000);
    const second = listAudit(db, { categories: ['federation'], limit: 2, cursor: first.cursor! });
    expect(second.entries.map((e) => e.detail?.['n'])).toEqual([2, 1]);
    const third = listAudit(db, { categories: ['federation'], limit: 2, cursor: second.cursor! });
    expect(third.entries.map((e) => e.detail?.['n'])).toEqual([0]);
    expect(third.has_more).toBe(false);
    expect(third.cursor).toBeNull();
  });

  it('filters by peer, event type and category', () => {
    const db = openDatabase(':memory:');
    recordAudit(db, { category: 'federation', eventType: 'peer_registered', peerId: 'a' }, 1);
    recordAudit(db, { category: 'federation', eventType: 'signature_mismatch', peerId: 'b' }, 2);
    recordAudit(db, { category: 'fact', eventType: 'fact_write' }, 3);
    expect(listAudit(db, { categories: ['federation'], peerId: 'b', limit: 10 }).entries.map((e) => e.event_type)).toEqual(['signature_mismatch']);
    expect(listAudit(db, { categories: ['federation'], eventType: 'peer_registered', limit: 10 }).entries).toHaveLength(1);
    expect(listAudit(db, { categories: ['fact'], limit: 10 }).entries).toHaveLength(1);
  });

  it('refuses a forged cursor with a 400', () => {
    const db = openDatabase(':memory:');
    expect(() => listAudit(db, { limit: 10, cursor: 'bm9wZQ' })).toThrow(HttpError);
    expect(() => listAudit(db, { limit: 10, cursor: "'; DROP TABLE audit_events; --" })).toThrow(HttpError);
  });
});
