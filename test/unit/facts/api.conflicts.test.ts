import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../../src/main/node/db/sql.js';
import { ALICE, addGarden, addKey, count, fact, makeTestNode, type TestNode } from './helpers.js';

let node: TestNode;
beforeEach(async () => {
  node = await makeTestNode();
});
afterEach(async () => {
  await node.close();
});

const ids = (r: { body: { facts: { id: string }[] } }) => r.body.facts.map((f) => f.id);
const q = (extra = '') => `/v1/facts?entity=${encodeURIComponent(ALICE)}&relation=memory%3Arole${extra}`;

async function contradictingPair() {
  const a = await node.req('POST', '/v1/facts', fact());
  const b = await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'manager' }, source: 'stigmem://testnode/agent/hr' }));
  const list = await node.req('GET', '/v1/conflicts');
  return { a: a.body, b: b.body, conflict: list.body.conflicts[0] };
}

describe('contradiction detection', () => {
  it('records one conflict per pair, marks both facts contradicted and hides them by default', async () => {
    const { a, b, conflict } = await contradictingPair();
    expect(b.contradicted).toBe(true);
    expect(conflict.conflict_id).toMatch(/^stigmem:conflict:[0-9a-f-]{36}$/);
    expect(conflict).toMatchObject({ status: 'unresolved', resolved_by: null });
    expect([conflict.fact_a.id, conflict.fact_b.id]).toEqual([b.id, a.id]);
    expect(ids(await node.req('GET', q()))).toEqual([]);
    const shown = await node.req('GET', q('&include_contradicted=true'));
    expect(ids(shown)).toEqual([b.id, a.id]);
    expect(shown.body.facts.every((f: { contradicted: boolean }) => f.contradicted)).toBe(true);
  });

  it('writes the two meta-facts, hidden unless the relation filter names them', async () => {
    const { a, b, conflict } = await contradictingPair();
    const between = await node.req('GET', '/v1/facts?relation=stigmem%3Aconflict%3Abetween');
    expect(between.body.facts).toHaveLength(1);
    expect(between.body.facts[0]).toMatchObject({ entity: conflict.conflict_id, source: 'system:stigmem', scope: 'local', value: { type: 'text', v: `${b.id} ${a.id}` } });
    const status = await node.req('GET', '/v1/facts?relation=stigmem%3Aconflict%3Astatus');
    expect(status.body.facts[0].value.v).toBe('unresolved');
    const everything = await node.req('GET', '/v1/facts?include_contradicted=true');
    expect(everything.body.facts.map((f: { relation: string }) => f.relation)).toEqual(['memory:role', 'memory:role']);
  });

  it('does not treat agreement, retractions, other scopes or other gardens as contradictions', async () => {
    addGarden(node, 'g1', 'company');
    await node.req('POST', '/v1/facts', fact());
    await node.req('POST', '/v1/facts', fact({ source: 'stigmem://testnode/agent/second-opinion' }));
    await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'x' }, confidence: 0 }));
    await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'y' }, scope: 'team' }));
    await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'z' }, garden_id: 'g1' }));
    expect(count(node, 'conflicts')).toBe(0);
  });

  it('writes the fact, its meta-facts and its conflicts in one transaction', async () => {
    await node.req('POST', '/v1/facts', fact());
    const before = count(node, 'facts');
    // A failing conflicts insert (simulated storage fault) must take the fact and its meta-facts down with it.
    node.deps.db.raw.exec(`CREATE TEMP TRIGGER fail_conflicts BEFORE INSERT ON conflicts BEGIN SELECT RAISE(ABORT, 'simulated fault'); END`);
    const r = await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'manager' } }));
    expect(r.status).toBe(500);
    expect(count(node, 'facts')).toBe(before);
    node.deps.db.raw.exec('DROP TRIGGER fail_conflicts');
    expect((await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'manager' } }))).status).toBe(201);
    expect(count(node, 'conflicts')).toBe(1);
  });

  it('pairs a third value with each live earlier value', async () => {
    await contradictingPair();
    const c = await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'director' } }));
    expect(c.body.contradicted).toBe(true);
    expect(count(node, 'conflicts')).toBe(3);
  });
});

describe('POST /v1/conflicts/{id}/resolve', () => {
  it('with a winner: the winner is shown again, the loser stays hidden, the resolution is a fact', async () => {
    const { a, b, conflict } = await contradictingPair();
    const before = node.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM facts WHERE id IN (${a.id}, ${b.id})`)!.n;
    const r = await node.req('POST', `/v1/conflicts/${encodeURIComponent(conflict.conflict_id)}/resolve`, { winning_fact_id: a.id, resolution_note: 'HR confirmed' });
    expect(r.status).toBe(200);
    expect(r.body.conflict_status).toBe('resolved');
    const shown = await node.req('GET', q());
    expect(ids(shown)).toEqual([a.id]);
    expect(shown.body.facts[0].contradicted).toBe(false);
    const withLoser = await node.req('GET', q('&include_contradicted=true'));
    expect(withLoser.body.facts.find((f: { id: string }) => f.id === b.id).contradicted).toBe(true);
    const resolution = await node.req('GET', `/v1/facts/${r.body.resolution_fact_id}`);
    expect(resolution.body).toMatchObject({ entity: `stigmem:resolution:${conflict.conflict_id}`, relation: 'memory:role', value: { type: 'string', v: 'engineer' } });
    const listed = await node.req('GET', '/v1/conflicts?status=resolved');
    expect(listed.body.conflicts[0]).toMatchObject({ conflict_id: conflict.conflict_id, status: 'resolved', resolved_by: r.body.resolution_fact_id, winning_fact_id: a.id, resolution_note: 'HR confirmed' });
    expect((await node.req('GET', '/v1/conflicts?status=unresolved')).body.conflicts).toEqual([]);
    // The conflicting facts themselves were not rewritten.
    expect(node.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM facts WHERE id IN (${a.id}, ${b.id}) AND confidence = 1`)!.n).toBe(before);
    const again = await node.req('POST', `/v1/conflicts/${encodeURIComponent(conflict.conflict_id)}/resolve`, { winning_fact_id: a.id });
    expect([again.status, again.body.detail]).toEqual([409, 'conflict already resolved']);
    // The decision is audited once, with who made it and how.
    const audited = node.deps.db.raw.prepare("SELECT category, actor, subject, detail FROM audit_events WHERE event_type = 'conflict_resolved'").all() as { category: string; actor: string; subject: string; detail: string }[];
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ category: 'fact', subject: conflict.conflict_id });
    expect(JSON.parse(audited[0]!.detail)).toMatchObject({ winning_fact_id: a.id, resolution_fact_id: r.body.resolution_fact_id, note: 'HR confirmed', new_value: false });
  });

  it('with a new value: written as given (number literal kept), both sides stay hidden', async () => {
    const { conflict } = await contradictingPair();
    const r = await node.req('POST', `/v1/conflicts/${encodeURIComponent(conflict.conflict_id)}/resolve`, '{"new_value":{"type":"number","v":7.0}}');
    expect(r.status).toBe(200);
    const resolution = await node.req('GET', `/v1/facts/${r.body.resolution_fact_id}`);
    expect(resolution.text).toContain('"v":7.0,');
    expect(ids(await node.req('GET', q()))).toEqual([]);
  });

  it('refuses unknown conflicts, foreign winners and empty resolutions with the reference details', async () => {
    const { conflict } = await contradictingPair();
    const path = `/v1/conflicts/${encodeURIComponent(conflict.conflict_id)}/resolve`;
    const unknown = await node.req('POST', '/v1/conflicts/stigmem%3Aconflict%3Anope/resolve', { winning_fact_id: 'x' });
    expect([unknown.status, unknown.body.detail]).toEqual([404, 'conflict not found']);
    const foreign = await node.req('POST', path, { winning_fact_id: '00000000-0000-4000-8000-000000000000' });
    expect([foreign.status, foreign.body.detail]).toEqual([422, 'winning_fact_id must be one of the conflicting facts']);
    const empty = await node.req('POST', path, {});
    expect([empty.status, empty.body.detail]).toEqual([422, 'provide winning_fact_id or new_value']);
    const badValue = await node.req('POST', path, { new_value: { type: 'boolean', v: 'yes' } });
    expect(badValue.status).toBe(422);
    const reader = addKey(node, 'stigmem://testnode/user/reader', ['read']);
    const refused = await node.req('POST', path, { winning_fact_id: conflict.fact_a.id }, reader);
    expect([refused.status, refused.body.detail]).toEqual([403, 'write permission required']);
  });

  it('a retraction of one side closes the conflict in favour of the other', async () => {
    const { a, b, conflict } = await contradictingPair();
    const retraction = await node.req('POST', '/v1/facts', fact({ value: { type: 'string', v: 'manager' }, confidence: 0 }));
    const shown = await node.req('GET', q());
    expect(ids(shown)).toEqual([a.id]);
    expect(shown.body.facts[0].contradicted).toBe(false);
    const listed = await node.req('GET', '/v1/conflicts');
    expect(listed.body.conflicts[0]).toMatchObject({ conflict_id: conflict.conflict_id, status: 'resolved', resolved_by: retraction.body.id, winning_fact_id: a.id });
    expect((await node.req('GET', `/v1/facts/${b.id}`)).body.retracted).toBe(true);
  });
});

describe('GET /v1/conflicts', () => {
  it('pages newest first with an opaque cursor and has_more', async () => {
    for (let i = 0; i < 5; i++) {
      await node.req('POST', '/v1/facts', fact({ relation: `memory:r${i}`, value: { type: 'string', v: 'a' } }));
      await node.req('POST', '/v1/facts', fact({ relation: `memory:r${i}`, value: { type: 'string', v: 'b' } }));
    }
    const p1 = await node.req('GET', '/v1/conflicts?limit=2');
    expect(p1.body.conflicts.map((c: { fact_a: { relation: string } }) => c.fact_a.relation)).toEqual(['memory:r4', 'memory:r3']);
    expect(p1.body.has_more).toBe(true);
    const p2 = await node.req('GET', `/v1/conflicts?limit=2&cursor=${p1.body.cursor}`);
    const p3 = await node.req('GET', `/v1/conflicts?limit=2&cursor=${p2.body.cursor}`);
    expect(p3.body.conflicts.map((c: { fact_a: { relation: string } }) => c.fact_a.relation)).toEqual(['memory:r0']);
    expect(p3.body).toMatchObject({ has_more: false, cursor: null });
    expect((await node.req('GET', '/v1/conflicts?limit=0')).status).toBe(422);
    expect((await node.req('GET', '/v1/conflicts?status=maybe')).status).toBe(422);
    expect((await node.req('GET', '/v1/conflicts?cursor=%24%24')).status).toBe(400);
  });

  it('shows garden conflicts only to those who may read the garden', async () => {
    const member = 'stigmem://testnode/user/member';
    addGarden(node, 'atlas', 'company', [[member, 'writer']]);
    const memberKey = addKey(node, member, ['read', 'write']);
    const outsider = addKey(node, 'stigmem://testnode/user/outsider', ['read', 'write']);
    await node.req('POST', '/v1/facts', fact({ garden_id: 'atlas' }), memberKey);
    await node.req('POST', '/v1/facts', fact({ garden_id: 'atlas', value: { type: 'string', v: 'cto' } }), memberKey);
    expect((await node.req('GET', '/v1/conflicts', undefined, memberKey)).body.conflicts).toHaveLength(1);
    const hidden = await node.req('GET', '/v1/conflicts', undefined, outsider);
    expect(hidden.body.conflicts).toEqual([]);
    const id = (await node.req('GET', '/v1/conflicts', undefined, memberKey)).body.conflicts[0].conflict_id;
    const meta = await node.req('GET', '/v1/facts?relation=stigmem%3Aconflict%3Abetween', undefined, outsider);
    expect(meta.body.facts).toEqual([]);
    const refused = await node.req('POST', `/v1/conflicts/${encodeURIComponent(id)}/resolve`, { new_value: { type: 'string', v: 'x' } }, outsider);
    expect([refused.status, refused.body.detail]).toEqual([404, 'conflict not found']);
  });
});
