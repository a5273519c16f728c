// A peer's refused facts are audited one by one up to a budget, then summed up by reason once a minute, so a peer
// sending page after page of bad facts cannot fill the disk with audit rows.
import { afterEach, describe, expect, it } from 'vitest';
import { auditRejection, flushRejectionSummary, INDIVIDUAL_PER_WINDOW, SUMMARY_EVERY_MS, WINDOW_MS } from '../../../src/main/node/federation/rejectionAudit.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const events = (n: TestNode, type: string) =>
  n.deps.db.raw.prepare('SELECT peer_id, subject, detail FROM audit_events WHERE event_type = ? ORDER BY seq').all(type) as { peer_id: string; subject: string | null; detail: string }[];

describe('audit of refused facts', () => {
  it('records each refusal up to the budget, then one summary a minute by reason, and a new budget per window', async () => {
    let now = Date.parse('2026-11-24T10:00:00Z');
    node = await makeTestNode({}, { clock: { nowMs: () => now } });
    const deps = { db: node.deps.db, clock: { nowMs: () => now } };
    const hostile = { peerId: 'p-hostile', nodeId: 'stigmem:node:hostile' };
    const other = { peerId: 'p-other', nodeId: 'stigmem:node:other' };
    for (let i = 0; i < INDIVIDUAL_PER_WINDOW + 250; i++) auditRejection(deps, hostile, `f${i}`, i % 2 ? 'malformed' : 'cid_mismatch', {});
    flushRejectionSummary(deps, hostile); // under a minute since the budget started: not yet
    auditRejection(deps, other, 'o1', 'malformed', { field: 'timestamp' });
    expect(events(node, 'rejected_fact')).toHaveLength(INDIVIDUAL_PER_WINDOW + 1);
    expect(events(node, 'rejected_fact').at(-1)).toMatchObject({ peer_id: 'p-other', subject: 'o1', detail: JSON.stringify({ reason: 'malformed', field: 'timestamp' }) });
    expect(events(node, 'rejected_facts_summarised')).toEqual([]);

    now += SUMMARY_EVERY_MS;
    flushRejectionSummary(deps, hostile);
    flushRejectionSummary(deps, hostile);
    const summaries = events(node, 'rejected_facts_summarised');
    expect(summaries).toHaveLength(1);
    expect(JSON.parse(summaries[0]!.detail)).toMatchObject({ count: 250, reasons: { cid_mismatch: 125, malformed: 125 } });

    now += WINDOW_MS;
    auditRejection(deps, hostile, 'late', 'malformed', {});
    expect(events(node, 'rejected_fact').at(-1)).toMatchObject({ peer_id: 'p-hostile', subject: 'late' });
  });
});
