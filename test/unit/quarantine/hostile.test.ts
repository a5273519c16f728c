// Every quarantine route with hostile input: wrong types, oversize values, deep nesting, odd ids and query values.
// Each answer is a 4xx with a detail; nothing is decided by a malformed request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/main/node/db/sql.js';
import { addPeer, builtinGardenId, ingestIds, makeTestNode, remoteFact, type TestNode } from './helpers.js';

let n: TestNode;
let qg: string;
let id: string;
beforeAll(async () => {
  n = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict' });
  qg = builtinGardenId(n);
  [id] = ingestIds(n, addPeer(n), [remoteFact()]) as [string];
});
afterAll(async () => n.close());

const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile bodies on the decision routes', () => {
  const cases = (): [string, string, unknown][] => [
    ['promote: no body', `/v1/gardens/${qg}/promote`, undefined],
    ['promote: fact_id number', `/v1/gardens/${qg}/promote`, { fact_id: 42 }],
    ['promote: fact_id empty', `/v1/gardens/${qg}/promote`, { fact_id: '' }],
    ['promote: fact_id huge', `/v1/gardens/${qg}/promote`, { fact_id: 'f'.repeat(300) }],
    ['promote: target number', `/v1/gardens/${qg}/promote`, { fact_id: id, target_garden_id: 5 }],
    ['promote: reason object', `/v1/gardens/${qg}/promote`, { fact_id: id, reason: { a: 1 } }],
    ['promote: reason too long', `/v1/gardens/${qg}/promote`, { fact_id: id, reason: 'r'.repeat(5000) }],
    ['promote: extra field', `/v1/gardens/${qg}/promote`, { fact_id: id, confidence: 1 }],
    ['promote: array body', `/v1/gardens/${qg}/promote`, [id]],
    ['reject: fact_id array', `/v1/gardens/${qg}/reject`, { fact_id: [id] }],
    ['reject: target given', `/v1/gardens/${qg}/reject`, { fact_id: id, target_garden_id: null }],
    ['batch: no ids', '/v1/federation/quarantine/promote', { fact_ids: [] }],
    ['batch: ids not a list', '/v1/federation/quarantine/promote', { fact_ids: id }],
    ['batch: id number', '/v1/federation/quarantine/promote', { fact_ids: [1] }],
    ['batch: too many ids', '/v1/federation/quarantine/promote', { fact_ids: Array.from({ length: 501 }, (_, i) => `f${i}`) }],
    ['batch: extra field', '/v1/federation/quarantine/promote', { fact_ids: [id], force: true }],
    ['batch: reason number', '/v1/federation/quarantine/promote', { fact_ids: [id], reason: 3 }],
  ];

  it('answers each with 422 and a detail, deciding nothing', async () => {
    for (const [name, url, body] of cases()) {
      const res = await n.req('POST', url, body);
      expect([name, res.status]).toEqual([name, 422]);
      expect(res.body.detail).toBeTruthy();
    }
    expect(n.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM quarantine_decisions`)!.n).toBe(0);
  });

  it('answers broken JSON and deep nesting with 400', async () => {
    for (const body of ['{"fact_id": ', `{"fact_id": "${id}", "reason": ${deep(5000)}}`, `{"fact_ids": ${deep(5000)}}`]) {
      for (const url of [`/v1/gardens/${qg}/promote`, '/v1/federation/quarantine/promote']) {
        const res = await n.req('POST', url, body);
        expect(res.status).toBe(400);
        expect(res.body.detail).toBeTruthy();
      }
    }
  });
});

describe('hostile paths and query strings', () => {
  it('answers each with a 4xx and a detail', async () => {
    const cases: [string, string, number][] = [
      ['GET', '/v1/quarantine?limit=0', 422],
      ['GET', '/v1/quarantine?limit=1001', 422],
      ['GET', '/v1/quarantine?limit=ten', 422],
      ['GET', '/v1/quarantine?offset=-1', 422],
      ['GET', '/v1/quarantine?offset=99999999999', 422],
      ['GET', `/v1/quarantine?quarantine_status=${'p'.repeat(100)}`, 422],
      ['GET', `/v1/quarantine?garden_id=${'g'.repeat(3000)}`, 422],
      ['GET', '/v1/quarantine?garden_id=%E0%A4%A', 404],
      ['POST', `/v1/quarantine/${'x'.repeat(300)}/admit`, 422],
      ['POST', `/v1/quarantine/${id}/admit?reason=${'r'.repeat(5000)}`, 422],
      ['POST', `/v1/quarantine/${id}/admit?target_garden_id=nope`, 404],
      ['POST', '/v1/quarantine/%00/reject', 404],
      ['POST', `/v1/gardens/${'g'.repeat(2100)}/promote`, 414],
      ['GET', '/v1/facts?garden=quarantine&limit=0', 422],
      ['GET', '/v1/facts?garden=quarantine&cursor=%27%20OR%201%3D1', 400],
    ];
    for (const [method, url, status] of cases) {
      const res = await n.req(method, url, method === 'POST' && url.includes('/gardens/') ? { fact_id: id } : undefined);
      expect([url.slice(0, 70), res.status]).toEqual([url.slice(0, 70), status]);
      expect(res.body.detail).toBeTruthy();
    }
    expect(n.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM quarantine_decisions`)!.n).toBe(0);
  });

  it('treats SQL-looking values as data', async () => {
    const res = await n.req('GET', `/v1/quarantine?quarantine_status=${encodeURIComponent("pending' OR '1'='1")}&garden_id=${encodeURIComponent(qg)}`);
    expect(res.body).toEqual({ items: [], total: 0 });
    const promote = await n.req('POST', '/v1/federation/quarantine/promote', { fact_ids: ["' OR 1=1 --"] });
    expect(promote.body).toMatchObject({ promoted: 0, failed: 1 });
  });
});
