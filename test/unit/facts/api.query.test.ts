import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, TEST_SOURCE, addGarden, addKey, fact, makeTestNode, manualClock, type TestNode } from './helpers.js';

let node: TestNode;
afterEach(async () => {
  await node?.close();
});

const ids = (r: { body: { facts: { id: string }[] } }) => r.body.facts.map((f) => f.id);

describe('GET /v1/facts filters', () => {
  it('filters by entity (normalised like writes), relation, source and scope', async () => {
    node = await makeTestNode();
    const a = await node.req('POST', '/v1/facts', fact());
    const b = await node.req('POST', '/v1/facts', fact({ entity: 'stigmem://testnode/user/bob', relation: 'memory:team', scope: 'team' }));
    const c = await node.req('POST', '/v1/facts', fact({ relation: 'memory:bio', source: 'stigmem://testnode/agent/other', value: { type: 'text', v: 'x' } }));
    const byEntity = await node.req('GET', `/v1/facts?entity=${encodeURIComponent(' stigmem://TESTNODE/user/Alice ')}`);
    expect(ids(byEntity)).toEqual([c.body.id, a.body.id]);
    expect(ids(await node.req('GET', '/v1/facts?relation=memory%3Ateam'))).toEqual([b.body.id]);
    expect(ids(await node.req('GET', `/v1/facts?source=${encodeURIComponent('stigmem://testnode/agent/OTHER')}`))).toEqual([c.body.id]);
    expect(ids(await node.req('GET', '/v1/facts?scope=company'))).toEqual([c.body.id, a.body.id]);
    const none = await node.req('GET', '/v1/facts?entity=stigmem%3A%2F%2Ftestnode%2Fuser%2Fnobody');
    expect(none.body).toEqual({ facts: [], total: 0, cursor: null, tombstone_notices: [] });
    expect(none.headers['x-total-count']).toBe('0');
  });

  it('refuses an unknown scope with 400 and the reference detail', async () => {
    node = await makeTestNode();
    const r = await node.req('GET', '/v1/facts?scope=universe');
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe("scope must be one of {'local', 'team', 'company', 'public'}");
  });

  it('applies min_confidence and after', async () => {
    const clock = manualClock();
    node = await makeTestNode({}, { clock });
    const low = await node.req('POST', '/v1/facts', fact({ relation: 'memory:a', confidence: 0.2 }));
    const cut = new Date(clock.nowMs()).toISOString();
    clock.advance(1000);
    const high = await node.req('POST', '/v1/facts', fact({ relation: 'memory:b', confidence: 0.9 }));
    expect(ids(await node.req('GET', '/v1/facts?min_confidence=0.5'))).toEqual([high.body.id]);
    expect(ids(await node.req('GET', `/v1/facts?after=${encodeURIComponent(cut)}`))).toEqual([high.body.id]);
    expect(ids(await node.req('GET', '/v1/facts'))).toEqual([high.body.id, low.body.id]);
    expect((await node.req('GET', '/v1/facts?after=yesterday')).status).toBe(422);
  });

  it('hides expired facts unless include_expired', async () => {
    const clock = manualClock();
    node = await makeTestNode({}, { clock });
    const soon = new Date(clock.nowMs() + 3_600_000).toISOString().replace('Z', '+00:00');
    const expiring = await node.req('POST', '/v1/facts', fact({ relation: 'memory:session', valid_until: soon }));
    const lasting = await node.req('POST', '/v1/facts', fact({ relation: 'memory:other' }));
    expect(ids(await node.req('GET', '/v1/facts'))).toEqual([lasting.body.id, expiring.body.id]);
    clock.advance(2 * 3_600_000);
    expect(ids(await node.req('GET', '/v1/facts'))).toEqual([lasting.body.id]);
    expect(ids(await node.req('GET', '/v1/facts?include_expired=true'))).toEqual([lasting.body.id, expiring.body.id]);
  });
});

describe('GET /v1/facts paging', () => {
  it('pages newest first with an opaque cursor, a real total, and no duplicates when facts arrive between pages', async () => {
    node = await makeTestNode();
    const posted: string[] = [];
    for (let i = 0; i < 7; i++) posted.push((await node.req('POST', '/v1/facts', fact({ relation: `memory:r${i}` }))).body.id);
    const newestFirst = [...posted].reverse();
    const p1 = await node.req('GET', '/v1/facts?limit=3');
    expect(ids(p1)).toEqual(newestFirst.slice(0, 3));
    expect(p1.body.total).toBe(7);
    expect(p1.headers['x-total-count']).toBe('7');
    expect(typeof p1.body.cursor).toBe('string');
    // A write between pages must neither shift nor repeat what the next page shows.
    await node.req('POST', '/v1/facts', fact({ relation: 'memory:late' }));
    const p2 = await node.req('GET', `/v1/facts?limit=3&cursor=${p1.body.cursor}`);
    expect(ids(p2)).toEqual(newestFirst.slice(3, 6));
    expect(p2.body.total).toBe(8);
    const p3 = await node.req('GET', `/v1/facts?limit=3&cursor=${p2.body.cursor}`);
    expect(ids(p3)).toEqual(newestFirst.slice(6));
    expect(p3.body.cursor).toBeNull();
  });

  it('accepts a fact id as cursor (reference clients) and refuses garbage', async () => {
    node = await makeTestNode();
    const a = await node.req('POST', '/v1/facts', fact({ relation: 'memory:a' }));
    const b = await node.req('POST', '/v1/facts', fact({ relation: 'memory:b' }));
    expect(ids(await node.req('GET', `/v1/facts?cursor=${b.body.id}`))).toEqual([a.body.id]);
    for (const bad of ['zzz', '!!', 'f1x', '00000000-0000-4000-8000-000000000000']) {
      const r = await node.req('GET', `/v1/facts?cursor=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.detail).toBe('invalid cursor');
    }
  });

  it('bounds limit to 1..500', async () => {
    node = await makeTestNode();
    expect((await node.req('GET', '/v1/facts?limit=0')).status).toBe(422);
    expect((await node.req('GET', '/v1/facts?limit=501')).status).toBe(422);
    expect((await node.req('GET', '/v1/facts?limit=500')).status).toBe(200);
  });
});

describe('retraction', () => {
  it('a confidence-0 fact retracts earlier facts with the same entity, relation, scope and value; both stay stored', async () => {
    node = await makeTestNode();
    const original = await node.req('POST', '/v1/facts', fact());
    const unrelated = await node.req('POST', '/v1/facts', fact({ relation: 'memory:team', value: { type: 'string', v: 'core' } }));
    const retraction = await node.req('POST', '/v1/facts', fact({ confidence: 0, source: 'stigmem://testnode/agent/cleaner' }));
    expect(retraction.status).toBe(201);
    expect(retraction.body.contradicted).toBe(false);
    expect(ids(await node.req('GET', `/v1/facts?entity=${encodeURIComponent(ALICE)}`))).toEqual([unrelated.body.id]);
    const all = await node.req('GET', `/v1/facts?entity=${encodeURIComponent(ALICE)}&include_retracted=true`);
    expect(ids(all)).toEqual([retraction.body.id, unrelated.body.id, original.body.id]);
    expect(all.body.facts.map((f: { retracted: boolean }) => f.retracted)).toEqual([false, false, true]);
    expect((await node.req('GET', `/v1/facts/${original.body.id}`)).body.retracted).toBe(true);
  });

  it('a retraction does not reach other values, scopes or later assertions', async () => {
    node = await makeTestNode();
    await node.req('POST', '/v1/facts', fact({ confidence: 0 }));
    const later = await node.req('POST', '/v1/facts', fact());
    const otherScope = await node.req('POST', '/v1/facts', fact({ scope: 'team', value: { type: 'string', v: 'other' } }));
    await node.req('POST', '/v1/facts', fact({ scope: 'public', value: { type: 'string', v: 'x' } }));
    await node.req('POST', '/v1/facts', fact({ scope: 'public', value: { type: 'string', v: 'y' }, confidence: 0 }));
    const shown = await node.req('GET', '/v1/facts?include_contradicted=true');
    expect(ids(shown)).toEqual(expect.arrayContaining([later.body.id, otherScope.body.id]));
    expect(shown.body.facts.filter((f: { scope: string }) => f.scope === 'public')).toHaveLength(1);
  });
});

describe('garden ACL on reads', () => {
  it('shows garden facts only to callers who may read the garden; total agrees', async () => {
    node = await makeTestNode();
    const member = 'stigmem://testnode/user/member';
    const gardenId = addGarden(node, 'atlas', 'company', [[member, 'reader']]);
    const memberKey = addKey(node, member, ['read']);
    const outsiderKey = addKey(node, 'stigmem://testnode/user/outsider', ['read']);
    const inGarden = await node.req('POST', '/v1/facts', fact({ garden_id: 'atlas' }));
    const open = await node.req('POST', '/v1/facts', fact({ relation: 'memory:open' }));
    expect(inGarden.body.garden_id).toBe(gardenId);
    const forMember = await node.req('GET', '/v1/facts', undefined, memberKey);
    expect(ids(forMember)).toEqual([open.body.id, inGarden.body.id]);
    const forOutsider = await node.req('GET', '/v1/facts', undefined, outsiderKey);
    expect(ids(forOutsider)).toEqual([open.body.id]);
    expect(forOutsider.body.total).toBe(1);
    const filtered = await node.req('GET', '/v1/facts?garden_id=stigmem%3A%2F%2Ftestnode%2Fgarden%2Fatlas', undefined, memberKey);
    expect(ids(filtered)).toEqual([inGarden.body.id]);
    const refused = await node.req('GET', '/v1/facts?garden_id=atlas', undefined, outsiderKey);
    expect([refused.status, refused.body.detail]).toEqual([403, 'not a member of this garden']);
    const unknown = await node.req('GET', '/v1/facts?garden_id=stigmem%3A%2F%2Ftestnode%2Fgarden%2Fnope', undefined, memberKey);
    expect([unknown.status, unknown.body.detail]).toEqual([404, 'garden not found']);
  });

  it('needs read permission', async () => {
    node = await makeTestNode();
    const writeOnly = addKey(node, 'stigmem://testnode/user/w', ['write']);
    const r = await node.req('GET', '/v1/facts', undefined, writeOnly);
    expect([r.status, r.body.detail]).toEqual([403, 'read permission required']);
    expect((await node.req('GET', '/v1/facts', undefined, false)).status).toBe(401);
  });
});

describe('auth-disabled node', () => {
  it('lets anonymous callers write and read', async () => {
    node = await makeTestNode({ STIGMEM_AUTH_REQUIRED: 'false' });
    const r = await node.req('POST', '/v1/facts', fact({ source: TEST_SOURCE }), false);
    expect(r.status).toBe(201);
    expect(ids(await node.req('GET', '/v1/facts', undefined, false))).toEqual([r.body.id]);
  });
});
