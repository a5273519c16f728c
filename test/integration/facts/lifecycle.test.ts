// A fact's life on a real `stigmem serve` process, over HTTP: assert → query → retract → contradict → resolve → restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode, type NodeProcess } from '../../helpers/process.js';

const ADMIN = 'integration-admin-key-0123456789';
const ALICE = 'stigmem://org-a.example/user/alice';
const SOURCE = 'stigmem://org-a.example/agent/bot';

let node: NodeProcess;
const env = { STIGMEM_ADMIN_KEY: ADMIN, STIGMEM_KEY_STORE: 'file', STIGMEM_DB_PATH: 'node.db', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' };

interface FactJson {
  id: string;
  cid: string;
  hlc: string;
  contradicted: boolean;
  retracted: boolean;
}

/** The fields these tests read from any response (a cast: the assertions are the check). */
interface Body extends FactJson {
  facts: FactJson[];
  conflicts: { conflict_id: string; fact_a: FactJson; fact_b: FactJson }[];
  total: number;
  conflict_status: string;
  code: string;
  detail: unknown;
}

async function call(method: string, path: string, body?: string | object): Promise<{ status: number; body: Body; text: string; headers: Headers }> {
  const res = await fetch(node.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : {}) as Body, headers: res.headers };
}

const roleQuery = `/v1/facts?entity=${encodeURIComponent(ALICE)}&relation=memory%3Arole`;
const ids = (r: { body: Body }) => r.body.facts.map((f) => f.id);

beforeAll(async () => {
  node = await spawnNode(env);
});
afterAll(async () => {
  await node?.cleanup();
});

describe('facts over HTTP on a spawned node', () => {
  let engineer = '';
  let manager = '';
  let lastHlc = '';

  it('asserts a fact and finds it by query, id and CID', async () => {
    const posted = await call('POST', '/v1/facts', `{"entity":"${ALICE}","relation":"memory:role","value":{"type":"string","v":"engineer"},"source":"${SOURCE}","confidence":0.9,"scope":"company"}`);
    expect(posted.status).toBe(201);
    expect(posted.text).toContain('"confidence":0.9,');
    engineer = posted.body.id;
    const listed = await call('GET', roleQuery);
    expect(ids(listed)).toEqual([engineer]);
    expect(listed.headers.get('x-total-count')).toBe('1');
    expect((await call('GET', `/v1/facts/${posted.body.cid}`)).body.id).toBe(engineer);
    lastHlc = posted.body.hlc;
  });

  it('retracts it with a confidence-0 assertion', async () => {
    const retraction = await call('POST', '/v1/facts', { entity: ALICE, relation: 'memory:role', value: { type: 'string', v: 'engineer' }, source: SOURCE, confidence: 0, scope: 'company' });
    expect(retraction.status).toBe(201);
    expect(ids(await call('GET', roleQuery))).toEqual([]);
    expect((await call('GET', `${roleQuery}&include_retracted=true`)).body.total).toBe(2);
  });

  it('detects a contradiction between two live values', async () => {
    const a = await call('POST', '/v1/facts', { entity: ALICE, relation: 'memory:role', value: { type: 'string', v: 'architect' }, source: SOURCE, scope: 'company' });
    const b = await call('POST', '/v1/facts', { entity: ALICE, relation: 'memory:role', value: { type: 'string', v: 'manager' }, source: 'stigmem://org-a.example/agent/hr', scope: 'company' });
    expect(b.body.contradicted).toBe(true);
    manager = b.body.id;
    expect(ids(await call('GET', roleQuery))).toEqual([]);
    const conflicts = await call('GET', '/v1/conflicts?status=unresolved');
    expect(conflicts.body.conflicts).toHaveLength(1);
    expect(conflicts.body.conflicts.map((c) => [c.fact_a.id, c.fact_b.id])).toEqual([[manager, a.body.id]]);
  });

  it('resolves it: the winner is shown again', async () => {
    const [open] = (await call('GET', '/v1/conflicts?status=unresolved')).body.conflicts;
    const conflictId = open?.conflict_id ?? '';
    const resolved = await call('POST', `/v1/conflicts/${encodeURIComponent(conflictId)}/resolve`, { winning_fact_id: manager, resolution_note: 'confirmed by HR' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.conflict_status).toBe('resolved');
    const shown = await call('GET', roleQuery);
    expect(ids(shown)).toEqual([manager]);
    expect(shown.body.facts.map((f) => f.contradicted)).toEqual([false]);
    expect((await call('POST', `/v1/conflicts/${encodeURIComponent(conflictId)}/resolve`, { winning_fact_id: manager })).status).toBe(409);
  });

  it('keeps its HLC monotonic and its facts across a restart', async () => {
    const dir = node.dir;
    await node.stop();
    node = await spawnNode(env, { dir });
    const after = await call('POST', '/v1/facts', { entity: ALICE, relation: 'memory:team', value: { type: 'string', v: 'core' }, source: SOURCE, scope: 'company' });
    expect(after.body.hlc > lastHlc).toBe(true);
    expect(ids(await call('GET', roleQuery))).toEqual([manager]);
    expect((await call('GET', `/v1/facts/${engineer}`)).body.retracted).toBe(true);
  });

  it('answers hostile input with 4xx and a detail', async () => {
    const huge = await call('POST', '/v1/facts', JSON.stringify({ entity: ALICE, relation: 'm:r', value: { type: 'text', v: 'x'.repeat(2 * 1024 * 1024) }, source: SOURCE }));
    expect([huge.status, huge.body.code]).toEqual([413, 'body_too_large']);
    const nan = await call('POST', '/v1/facts', `{"entity":"a","relation":"m:r","value":{"type":"number","v":NaN},"source":"s"}`);
    expect(nan.status).toBe(400);
    expect(nan.body.detail).toBeDefined();
  });
});
