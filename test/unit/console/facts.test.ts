// The Facts screen's operations against a real node: GET /v1/facts's filters and hiding rules, stable paging, and one
// fact in full (by id or CID) with its record as served, a fresh CID check and its provenance.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateFactRef, validateFactSearch, type FactDetail, type FactSearchPage } from '../../../src/shared/facts.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { operationsOn, valueOf } from './helpers.js';

const ORG = 'stigmem://org-a.example';
let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_ENTITY_URI: ORG });
});
afterEach(async () => n.close());
const op = operationsOn(() => n.deps);

async function post(entity: string, relation: string, scope: string, source = `${ORG}/agent/a`, confidence = 0.9): Promise<{ id: string; cid: string }> {
  const r = await n.req('POST', '/v1/facts', { entity, relation, value: { type: 'string', v: `${entity}:${relation}` }, source, confidence, scope });
  expect(r.status).toBe(201);
  return r.body as { id: string; cid: string };
}

describe('fact search arguments', () => {
  it('take optional filters, a scope, a cursor and a limit, nothing else', () => {
    expect(validateFactSearch(undefined)).toEqual({ ok: true, value: { limit: 50 } });
    expect(validateFactSearch({ entity: ' e ', relation: '', scope: 'team', limit: 5 })).toEqual({ ok: true, value: { entity: 'e', scope: 'team', limit: 5 } });
    for (const bad of [{ scope: 'secret' }, { limit: 0 }, { limit: 201 }, { limit: 1.5 }, { entity: 7 }, { entity: 'x'.repeat(3000) }, { other: 1 }, [], 'x', { entity: 'a\u0000b' }]) {
      expect(validateFactSearch(bad).ok, JSON.stringify(bad)).toBe(false);
    }
    for (const bad of [undefined, {}, { id: '' }, { id: 7 }, { id: 'x'.repeat(300) }, { id: 'a', more: 1 }]) expect(validateFactRef(bad).ok).toBe(false);
  });
});

describe('searching facts', () => {
  it('filters as GET /v1/facts does, newest first, and pages by cursor with a stable total', async () => {
    await post(`${ORG}/e/1`, 'memory:role', 'company');
    await post(`${ORG}/e/2`, 'memory:role', 'team', `${ORG}/agent/b`);
    await post(`${ORG}/e/1`, 'memory:goal', 'public');
    await post(`${ORG}/e/3`, 'memory:role', 'company');
    const all = valueOf(await op<FactSearchPage>('facts:search'));
    expect(all.total).toBe(4);
    expect(all.facts.map((f) => f.entity)).toEqual([`${ORG}/e/3`, `${ORG}/e/1`, `${ORG}/e/2`, `${ORG}/e/1`]);
    const api = await n.req('GET', '/v1/facts?relation=memory:role&scope=company');
    const ours = valueOf(await op<FactSearchPage>('facts:search', { relation: 'memory:role', scope: 'company' }));
    expect(ours.facts.map((f) => f.id)).toEqual((api.body as { facts: { id: string }[] }).facts.map((f) => f.id));
    expect(valueOf(await op<FactSearchPage>('facts:search', { entity: `${ORG}/e/1` })).total).toBe(2);
    expect(valueOf(await op<FactSearchPage>('facts:search', { source: `${ORG}/agent/b` })).facts.map((f) => f.entity)).toEqual([`${ORG}/e/2`]);

    const seen: string[] = [];
    let page = valueOf(await op<FactSearchPage>('facts:search', { limit: 3 }));
    seen.push(...page.facts.map((f) => f.id));
    expect(page.cursor).not.toBeNull();
    await post(`${ORG}/e/4`, 'memory:role', 'company'); // written meanwhile: not on the older pages
    page = valueOf(await op<FactSearchPage>('facts:search', { limit: 3, cursor: page.cursor! }));
    seen.push(...page.facts.map((f) => f.id));
    expect(page.cursor).toBeNull();
    expect(seen).toEqual(all.facts.map((f) => f.id));
    expect(await op('facts:search', { cursor: 'not-a-cursor' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('hides retracted facts, as the API does', async () => {
    await post(`${ORG}/e/1`, 'memory:role', 'company');
    await post(`${ORG}/e/1`, 'memory:role', 'company', `${ORG}/agent/a`, 0);
    const api = await n.req('GET', '/v1/facts');
    expect(valueOf(await op<FactSearchPage>('facts:search')).total).toBe((api.body as { total: number }).total);
  });
});

describe('one fact in full', () => {
  it('by id or CID: the record as served, its CID checked, its provenance', async () => {
    const { id, cid } = await post(`${ORG}/e/1`, 'memory:role', 'company');
    const d = valueOf(await op<FactDetail>('facts:detail', { id }));
    expect(d.fact).toMatchObject({ id, cid, entity: `${ORG}/e/1`, scope: 'company', receivedFrom: null });
    expect(d.cid).toEqual({ isValid: true, computed: cid });
    const served = (await n.req('GET', `/v1/facts/${id}`)).text;
    expect(JSON.parse(d.record)).toEqual(JSON.parse(served));
    expect(JSON.parse(d.provenance)).toMatchObject({ fact_id: id, cid, cid_valid: true });
    expect(valueOf(await op<FactDetail>('facts:detail', { id: cid })).fact.id).toBe(id);

    // Content changed under the CID (a damaged or altered row) shows as a mismatch rather than being hidden.
    n.deps.db.run(sql`UPDATE facts SET value_v = 'altered' WHERE id = ${id}`);
    expect(valueOf(await op<FactDetail>('facts:detail', { id })).cid.isValid).toBe(false);
    expect(await op('facts:detail', { id: 'no-such-fact' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await op('facts:detail', { id: 'sha256:xyz' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});
