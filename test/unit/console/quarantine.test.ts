// The quarantine screen's operations: held facts listed with their values, decisions recorded through the same
// moderation as the routes (one decision and one audit event each, a second decision refused), strict arguments.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationsOn, valueOf } from './helpers.js';
import { validateQuarantineDecision, validateQuarantineQuery, type QuarantineOutcome, type QuarantinePage } from '../../../src/shared/quarantine.js';
import { addPeer, auditEvents, ingestIds, makeTestNode, remoteFact, TUTORIAL_REASON, type TestNode } from '../quarantine/helpers.js';

let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
});
afterEach(async () => n.close());

const op = operationsOn(() => n.deps);
const value = valueOf;
const held = (count: number): string[] => ingestIds(n, addPeer(n), Array.from({ length: count }, (_, i) => remoteFact({ v: `held ${i}` })));

describe('quarantine operation arguments', () => {
  it('take a view and a limit, and a decision on 1 to 100 facts with a reason to reject', () => {
    expect(validateQuarantineQuery(undefined)).toEqual({ ok: true, value: { status: 'pending', limit: 50 } });
    expect(validateQuarantineQuery({ status: 'rejected', limit: 5 })).toEqual({ ok: true, value: { status: 'rejected', limit: 5 } });
    expect(validateQuarantineDecision({ factIds: ['a', 'a', 'b'], action: 'promote' })).toEqual({ ok: true, value: { factIds: ['a', 'b'], action: 'promote' } });
    expect(validateQuarantineDecision({ factIds: ['a'], action: 'reject', reason: '  spam  ' })).toEqual({ ok: true, value: { factIds: ['a'], action: 'reject', reason: 'spam' } });
    const hostile: unknown[] = [
      null, 'reject', { factIds: [], action: 'promote' }, { factIds: ['a'], action: 'delete' }, { factIds: ['a'], action: 'reject' }, { factIds: ['a'], action: 'reject', reason: '   ' },
      { factIds: 'a', action: 'promote' }, { factIds: [7], action: 'promote' }, { factIds: [''], action: 'promote' }, { factIds: Array.from({ length: 101 }, (_, i) => `f${i}`), action: 'promote' },
      { factIds: ['a'], action: 'reject', reason: 'x'.repeat(1001) }, { factIds: ['a'], action: 'promote', reason: 5 }, { factIds: ['a'], action: 'promote', target: 'g' },
    ];
    for (const arg of hostile) expect(validateQuarantineDecision(arg).ok, JSON.stringify(arg)?.slice(0, 60)).toBe(false);
    expect(validateQuarantineQuery({ status: 'pending', limit: 5, offset: 100 })).toEqual({ ok: true, value: { status: 'pending', limit: 5, offset: 100 } });
    for (const arg of [{ status: 'all' }, { limit: 0 }, { limit: 201 }, { limit: '5' }, { offset: -1 }, { offset: 1.5 }, { offset: '3' }, { offset: 10_000_001 }, { status: 'pending', cursor: 'x' }]) expect(validateQuarantineQuery(arg).ok).toBe(false);
  });
});

describe('quarantine operations on a node holding facts', () => {
  it('list pending facts newest first with their values, source trust and reason', async () => {
    const ids = held(3);
    const page = value(await op<QuarantinePage>('quarantine:list'));
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.factId)).toEqual([...ids].reverse());
    expect(page.items[2]).toMatchObject({ value: 'held 0', valueType: 'string', scope: 'company', sourceTrust: 0.15, reason: TUTORIAL_REASON, status: 'pending', decidedBy: null });
    expect(value(await op<QuarantinePage>('quarantine:list', { status: 'pending', limit: 1 })).items).toHaveLength(1);
  });

  it('reach older pending facts by offset, each page with the same total', async () => {
    const ids = [...held(5)].reverse();
    const older = value(await op<QuarantinePage>('quarantine:list', { status: 'pending', limit: 2, offset: 2 }));
    expect(older).toMatchObject({ total: 5 });
    expect(older.items.map((i) => i.factId)).toEqual(ids.slice(2, 4));
    expect(value(await op<QuarantinePage>('quarantine:list', { status: 'pending', limit: 2, offset: 4 })).items.map((i) => i.factId)).toEqual(ids.slice(4));
  });

  it('promote and reject as the org admin, each decision audited, and a second decision refused per fact', async () => {
    const [a, b, c] = held(3);
    const promoted = value(await op<QuarantineOutcome>('quarantine:decide', { factIds: [a, b], action: 'promote' }));
    expect(promoted).toEqual({ decided: [a, b], refused: [] });
    const rejected = value(await op<QuarantineOutcome>('quarantine:decide', { factIds: [b, c, 'no-such-fact'], action: 'reject', reason: 'not ours to believe' }));
    expect(rejected.decided).toEqual([c]);
    expect(rejected.refused).toEqual([
      { factId: b, code: 'fact_not_quarantine_pending', message: 'fact_not_quarantine_pending' },
      { factId: 'no-such-fact', code: 'quarantined_fact_not_found', message: 'no quarantined fact has this id' },
    ]);
    expect(value(await op<QuarantinePage>('quarantine:list')).total).toBe(0);
    const done = value(await op<QuarantinePage>('quarantine:list', { status: 'rejected' }));
    expect(done.items).toEqual([expect.objectContaining({ factId: c, status: 'rejected', decidedBy: 'stigmem://org-a.example', decisionReason: 'not ours to believe' })]);
    expect(value(await op<QuarantinePage>('quarantine:list', { status: 'promoted' })).items.map((i) => i.decisionReason)).toEqual(['promoted by the node operator', 'promoted by the node operator']);
    // Promoted facts join recall; the rejected one does not.
    const recalled = (await n.req('GET', '/v1/facts')).body.facts.map((f: { id: string }) => f.id);
    expect(recalled.sort()).toEqual([a, b].sort());
    expect(auditEvents(n, 'quarantine_promote').map((e) => [e.subject, e.actor])).toEqual([[a, 'stigmem://org-a.example'], [b, 'stigmem://org-a.example']]);
    expect(auditEvents(n, 'quarantine_reject').map((e) => [e.subject, e.actor, e.detail['reason']])).toEqual([[c, 'stigmem://org-a.example', 'not ours to believe']]);
  });
});
