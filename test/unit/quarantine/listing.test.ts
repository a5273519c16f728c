// Listing quarantined facts: GET /v1/quarantine (the reference items) and GET /v1/facts?garden=quarantine (a fact page).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKey, addMember, addPeer, builtinGardenId, ingestIds, makeTestNode, remoteFact, TUTORIAL_REASON, type TestNode } from './helpers.js';

let n: TestNode;
let qg: string;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict' });
  qg = builtinGardenId(n);
});
afterEach(async () => n.close());

const pending = (count: number): string[] => ingestIds(n, addPeer(n), Array.from({ length: count }, () => remoteFact()));
const ids = (items: { fact_id?: string; id?: string }[]): string[] => items.map((i) => i.fact_id ?? i.id ?? '');

describe('GET /v1/quarantine', () => {
  it('lists items newest first in the reference shape, filtered by status', async () => {
    const [a, b, c] = pending(3);
    await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: a, reason: 'fine' });
    await n.req('POST', `/v1/gardens/${qg}/reject`, { fact_id: b });
    const res = await n.req('GET', '/v1/quarantine?quarantine_status=pending');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(Object.keys(res.body.items[0]).slice(0, 12)).toEqual([
      'fact_id', 'entity', 'relation', 'source', 'quarantine_status', 'quarantine_garden_id', 'quarantine_reason', 'quarantine_acted_by',
      'quarantine_acted_at', 'source_trust', 'received_from', 'timestamp',
    ]);
    expect(res.body.items[0]).toMatchObject({ fact_id: c, quarantine_status: 'pending', quarantine_garden_id: qg, quarantine_reason: TUTORIAL_REASON, source_trust: 0.15, quarantine_acted_by: null });
    const promoted = (await n.req('GET', '/v1/quarantine?quarantine_status=promoted')).body;
    expect(promoted).toMatchObject({ total: 1, items: [{ fact_id: a, quarantine_status: 'promoted', quarantine_acted_by: 'stigmem://localhost:8765', decision_reason: 'fine' }] });
    expect((await n.req('GET', '/v1/quarantine?quarantine_status=rejected')).body).toMatchObject({ total: 1, items: [{ fact_id: b }] });
    expect(ids((await n.req('GET', '/v1/quarantine')).body.items)).toEqual([c, b, a]);
    expect((await n.req('GET', '/v1/quarantine')).body.total).toBe(3);
    expect((await n.req('GET', '/v1/quarantine?quarantine_status=approved')).body).toEqual({ items: [], total: 0 });
  });

  it('pages with limit and offset and keeps the total', async () => {
    const all = pending(5).reverse();
    const first = (await n.req('GET', '/v1/quarantine?quarantine_status=pending&limit=2')).body;
    const second = (await n.req('GET', '/v1/quarantine?quarantine_status=pending&limit=2&offset=2')).body;
    expect([first.total, second.total]).toEqual([5, 5]);
    expect([...ids(first.items), ...ids(second.items)]).toEqual(all.slice(0, 4));
  });

  it('filters by garden, and shows a moderator only the gardens it moderates', async () => {
    const [inBuiltin] = pending(1);
    const other = await n.req('POST', '/v1/gardens', { slug: 'other-q', name: 'Other', quarantine: true });
    await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: 'other-q' });
    const [inOther] = pending(1);
    expect(ids((await n.req('GET', '/v1/quarantine?garden_id=other-q')).body.items)).toEqual([inOther]);
    expect(ids((await n.req('GET', `/v1/quarantine?garden_id=${qg}`)).body.items)).toEqual([inBuiltin]);
    expect((await n.req('GET', '/v1/quarantine?garden_id=nope')).status).toBe(404);
    const mod = addKey(n, 'x:mod', ['read']);
    addMember(n, other.body.id, 'x:mod', 'quarantine:moderator');
    expect((await n.req('GET', '/v1/quarantine', undefined, mod)).body).toMatchObject({ total: 1, items: [{ fact_id: inOther }] });
    expect((await n.req('GET', `/v1/quarantine?garden_id=${qg}`, undefined, mod)).body).toEqual({ items: [], total: 0 });
    const writer = addKey(n, 'x:writer', ['read', 'write']);
    expect((await n.req('GET', '/v1/quarantine', undefined, writer)).body).toEqual({ items: [], total: 0 });
  });
});

describe('GET /v1/facts?garden=quarantine', () => {
  it('lists pending facts as a fact page; standard queries never show them', async () => {
    const [a, b] = pending(2);
    const res = await n.req('GET', '/v1/facts?garden=quarantine&limit=50');
    expect(res.status).toBe(200);
    expect(ids(res.body.facts)).toEqual([b, a]);
    expect(res.body).toMatchObject({ total: 2, cursor: null });
    expect(res.body.facts[0]).toMatchObject({ quarantine_status: 'pending', quarantine_reason: TUTORIAL_REASON, garden_id: qg });
    expect(res.headers['x-total-count']).toBe('2');
    expect((await n.req('GET', '/v1/facts')).body.facts).toEqual([]);
    expect((await n.req('GET', `/v1/facts?garden_id=${qg}`)).body.facts).toEqual([]);
    expect((await n.req('GET', `/v1/facts?source=${encodeURIComponent('stigmem://org-b.example/agent/bot')}`)).body.facts).toEqual([]);
  });

  it('pages with a cursor and takes quarantine_status', async () => {
    const all = pending(5).reverse();
    const p1 = (await n.req('GET', '/v1/facts?garden=quarantine&limit=3')).body;
    const p2 = (await n.req('GET', `/v1/facts?garden=quarantine&limit=3&cursor=${p1.cursor}`)).body;
    expect([...ids(p1.facts), ...ids(p2.facts)]).toEqual(all);
    expect(p2.cursor).toBeNull();
    await n.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [all[0]] });
    expect(ids((await n.req('GET', '/v1/facts?garden=quarantine&quarantine_status=promoted')).body.facts)).toEqual([all[0]]);
    expect((await n.req('GET', '/v1/facts?garden=quarantine')).body.total).toBe(4);
    expect((await n.req('GET', '/v1/facts?garden=quarantine&cursor=bogus')).status).toBe(400);
  });

  it('shows a pending fact by id only to those who may see its quarantine garden', async () => {
    const [a] = pending(1);
    const stranger = addKey(n, 'x:stranger', ['read', 'write']);
    expect((await n.req('GET', `/v1/facts/${a}`, undefined, stranger)).status).toBe(403);
    expect((await n.req('GET', '/v1/facts?garden=quarantine', undefined, stranger)).body).toMatchObject({ facts: [], total: 0 });
    const mod = addKey(n, 'x:mod', ['read']);
    addMember(n, qg, 'x:mod', 'quarantine:moderator');
    expect((await n.req('GET', `/v1/facts/${a}`, undefined, mod)).body).toMatchObject({ quarantine_status: 'pending' });
    expect(ids((await n.req('GET', '/v1/facts?garden=quarantine', undefined, mod)).body.facts)).toEqual([a]);
  });
});
