// POST /v1/recall: filters and authorisation before ranking, lexical match, trust, confidence, recency, packing.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from '../../../src/main/node/db/sql.js';
import { findFactData } from '../../../src/main/node/conformance/match.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { testClock } from '../manifests/fixtures.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

async function node(env: Record<string, string> = {}) {
  const clock = testClock();
  const n = await makeTestNode({ STIGMEM_ENTITY_URI: 'stigmem://org-a.example', ...env }, { clock });
  nodes.push(n);
  return Object.assign(n, { clock });
}

const fact = (entity: string, v: string, over: Record<string, unknown> = {}) => ({
  entity, relation: 'memory:role', value: { type: 'string', v }, source: 'stigmem://org-a.example/agent/x', scope: 'company', ...over,
});

async function write(n: TestNode, f: Record<string, unknown>, auth?: string): Promise<string> {
  const res = await n.req('POST', '/v1/facts', f, auth);
  if (res.status !== 201) throw new Error(`write failed: ${res.status} ${res.text}`);
  return res.body.id;
}

const recall = (n: TestNode, body: Record<string, unknown>, auth?: string | false) => n.req('POST', '/v1/recall', body, auth);
const ids = (res: { body: { results: { fact: { id: string } }[] } }) => res.body.results.map((r) => r.fact.id);

describe('POST /v1/recall', () => {
  it('answers with the reference shape plus results (fact, score, why)', async () => {
    const n = await node();
    const id = await write(n, fact('stigmem://org-a.example/user/alice', 'staff engineer'));
    const res = await recall(n, { query: 'Engineer', scope: 'company' });
    expect(res.status).toBe(200);
    expect(res.headers['x-total-count']).toBe('1');
    expect(res.body).toMatchObject({ total_scored: 1, token_budget: 4000, truncated: false, tombstone_notices: [], chain_proof: null, query: { query: 'Engineer', scope: 'company' } });
    expect(res.body.recall_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.query_hash).toMatch(/^[0-9a-f]{64}$/);
    const [scored] = res.body.facts;
    expect(scored).toMatchObject({ fact: { id, fact_id: id }, hop_distance: 0, from_card: false });
    expect(Object.keys(scored.score_breakdown)).toEqual(['lexical', 'semantic', 'graph', 'source_trust', 'recency', 'weighted_total']);
    expect(res.body.content).toHaveLength(1);
    expect(res.body.instructions).toEqual([]);
    expect(res.body.tokens_used).toBe(scored.token_estimate);
    expect(res.body.results[0]).toMatchObject({ fact: { id }, score: scored.score });
    expect(res.body.results[0].why[0]).toBe('lexical match: 1/1 query words (engineer)');
    expect(res.text).toMatch(/"semantic":0\.0/);
    const legacy = await n.req('POST', '/v1/recall?legacy_format=true', { query: 'engineer', scope: 'company' });
    expect(legacy.body).not.toHaveProperty('content');
  });

  it('matches only facts of the requested scope (local by default) and ranks by match, confidence and recency', async () => {
    const n = await node();
    const both = await write(n, fact('stigmem://org-a.example/user/alice', 'platform engineer'));
    const one = await write(n, fact('stigmem://org-a.example/user/bob', 'engineer'));
    const weak = await write(n, fact('stigmem://org-a.example/user/carol', 'platform engineer', { confidence: 0.3 }));
    await write(n, fact('stigmem://org-a.example/user/dave', 'platform engineer', { scope: 'public' }));
    await write(n, fact('stigmem://org-a.example/user/erin', 'gardener'));
    const res = await recall(n, { query: 'platform engineer', scope: 'company' });
    expect(ids(res)).toEqual([both, one, weak]);
    expect((await recall(n, { query: 'platform engineer' })).body.results).toEqual([]);
    expect((await recall(n, { query: 'platform engineer', scope: 'company', min_confidence: 0.5 })).body.results.map((r: { fact: { id: string } }) => r.fact.id)).toEqual([both, one]);
    // Older facts score lower on recency alone.
    const old = await write(n, fact('stigmem://org-a.example/user/fred', 'historian'));
    n.clock.advance(200 * 86_400_000);
    const fresh = await write(n, fact('stigmem://org-a.example/user/gina', 'historian'));
    expect(ids(await recall(n, { query: 'historian', scope: 'company' }))).toEqual([fresh, old]);
  });

  it('applies the entity, relation, source and garden filters', async () => {
    const n = await node();
    const alice = await write(n, fact('stigmem://org-a.example/user/alice', 'engineer'));
    await write(n, fact('stigmem://org-a.example/user/bob', 'engineer'));
    const team = await write(n, fact('stigmem://org-a.example/user/alice', 'atlas', { relation: 'memory:team' }));
    expect(ids(await recall(n, { query: 'engineer', scope: 'company', entity: 'stigmem://org-a.example/user/alice' }))).toEqual([alice]);
    expect(ids(await recall(n, { query: 'anything', scope: 'company', entity: 'stigmem://org-a.example/user/alice', relation: 'memory:team' }))).toEqual([team]);
    expect((await recall(n, { query: 'x', scope: 'company', garden_id: 'nope' })).status).toBe(404);
  });

  it('authorises before ranking: garden facts only for readers of the garden, and nothing of them leaks', async () => {
    const n = await node();
    await n.req('POST', '/v1/gardens', { slug: 'hr', name: 'HR', scope: 'company' });
    const secret = await write(n, fact('stigmem://org-a.example/user/alice', 'salary band seven', { garden_id: 'hr' }));
    const open = await write(n, fact('stigmem://org-a.example/user/bob', 'salary unknown'));
    const rawKey = 'reader-key-0123456789abcdef-0123456789';
    await n.req('POST', '/v1/auth/keys', { raw_key: rawKey, entity_uri: 'stigmem://org-a.example/user/zed', permissions: ['read'] });
    const asReader = await recall(n, { query: 'salary band seven', scope: 'company' }, rawKey);
    expect(ids(asReader)).toEqual([open]);
    expect(asReader.body.total_scored).toBe(1);
    expect(asReader.text).not.toContain(secret);
    expect(asReader.text).not.toContain('"v":"salary band');
    expect(ids(await recall(n, { query: 'salary band seven', scope: 'company' }))).toEqual([secret, open]);
    expect((await recall(n, { query: 'salary', scope: 'company', garden_id: 'hr' }, rawKey)).status).toBe(403);
  });

  it('never includes quarantined facts, retracted facts or expired facts', async () => {
    const n = await node();
    const kept = await write(n, fact('stigmem://org-a.example/user/alice', 'engineer'));
    const quarantined = await write(n, fact('stigmem://org-a.example/user/bob', 'engineer'));
    const garden = await n.req('POST', '/v1/gardens', { slug: 'held', name: 'Held', scope: 'company', quarantine: true });
    n.deps.db.run(sql`UPDATE facts SET quarantine_garden_id = ${garden.body.id ?? null} WHERE id = ${quarantined}`);
    await write(n, fact('stigmem://org-a.example/user/carol', 'engineer', { valid_until: '2026-06-02T00:00:00Z' }));
    await write(n, fact('stigmem://org-a.example/user/dave', 'engineer'));
    await write(n, fact('stigmem://org-a.example/user/dave', 'engineer', { confidence: 0 }));
    n.clock.advance(2 * 86_400_000);
    expect(ids(await recall(n, { query: 'engineer', scope: 'company' }))).toEqual([kept]);
  });

  it('packs within the token budget, skipping what does not fit', async () => {
    const n = await node();
    await write(n, fact('stigmem://org-a.example/user/alice', `engineer ${'x'.repeat(400)}`));
    const small = await write(n, fact('stigmem://org-a.example/user/bob', 'engineer'));
    const res = await recall(n, { query: 'engineer', scope: 'company', token_budget: 40 });
    expect(ids(res)).toEqual([small]);
    expect(res.body).toMatchObject({ truncated: true, total_scored: 2 });
    expect(res.body.tokens_used).toBeLessThanOrEqual(40);
  });

  it('refuses bad requests with a 4xx and a detail', async () => {
    const n = await node();
    expect(await recall(n, { query: 'x', scope: 'galaxy' })).toMatchObject({ status: 400, body: { code: 'invalid_scope' } });
    expect((await recall(n, { query: '' })).status).toBe(422);
    expect((await recall(n, { scope: 'company' })).status).toBe(422);
    expect((await recall(n, { query: 'x', limit: 0 })).status).toBe(422);
    expect((await recall(n, { query: 'x', depth: 9 })).status).toBe(422);
    expect((await recall(n, { query: 'x', as_of: '2026-01-01T00:00:00Z' })).status).toBe(400);
    expect((await recall(n, { query: 'x' }, false)).status).toBe(401);
    const weird = await recall(n, { query: '%_\\\' OR 1=1 --', scope: 'company' });
    expect(weird.status).toBe(200);
    expect(findFactData(weird.body)).toBeNull();
  });
});
