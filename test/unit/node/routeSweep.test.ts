// Every documented route of a node holding real data, swept with hostile input: never a 5xx, every 4xx with a `detail`.
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsOf, sweepRoutes, type SweepOp } from '../../helpers/routeSweep.js';
import { ADMIN_KEY } from '../../helpers/inject.js';
import { BOT_B, ORG_A, issue, manifestBody, orgNode, tutorialGrant, type OrgNode } from '../tokens/helpers.js';

let node: OrgNode;
let ops: SweepOp[];
let ids: Record<string, string[]>;
let factIds: string[];

async function created(method: string, url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await node.req(method, url, body);
  if (res.status !== 201 && res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${res.text}`);
  return res.body as Record<string, unknown>;
}

beforeAll(async () => {
  node = await orgNode(ORG_A, 7, {
    env: { STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PUSH_ENABLED: 'true', STIGMEM_RATE_LIMIT_WRITE_PER_HOUR: '0', STIGMEM_RATE_LIMIT_READ_PER_HOUR: '0', STIGMEM_RATE_LIMIT_DISABLED_ACK: '1' },
  });
  // Real rows behind every kind of id, so handlers run past their lookups.
  const garden = await created('POST', '/v1/gardens', { slug: 'sweep', name: 'Sweep' });
  await created('POST', '/v1/gardens', { slug: 'sweep-quarantine', name: 'Sweep quarantine', quarantine: true });
  const fact = await created('POST', '/v1/facts', { entity: `${ORG_A}/e/1`, relation: 'memory:role', value: { type: 'string', v: 'a' }, source: `${ORG_A}/agent/a`, scope: 'public' });
  const other = await created('POST', '/v1/facts', { entity: `${ORG_A}/e/1`, relation: 'memory:role', value: { type: 'string', v: 'b' }, source: `${ORG_A}/agent/b`, scope: 'public' });
  const peer = await created('POST', '/v1/federation/peers', { peer_url: 'http://127.0.0.1:9', trusted_public_key: 'A'.repeat(43) });
  const token = await issue(node, tutorialGrant);
  factIds = [String(fact['id']), String(other['id'])];
  const conflicts = (await node.req('GET', '/v1/conflicts')).body as { conflicts: { conflict_id: string }[] };
  const key = await created('POST', '/v1/auth/keys', { raw_key: 'sweep-key-0123456789abcdef0123456789', entity_uri: `${ORG_A}/agent/a` });
  await node.app.ready();
  ops = operationsOf(node.app);
  ids = {
    slug_or_id: ['sweep', String(garden['id']), 'sweep-quarantine', 'quarantine'],
    fact_id: [String(fact['id']), String(fact['cid'])],
    conflict_id: [conflicts.conflicts[0]!.conflict_id],
    id: [String(peer['id'])],
    token_id: [token.token_id],
    key_id: [String(key['key_id'] ?? key['id'])],
    '*': [encodeURIComponent(`${ORG_A}/agent/a`), `${ORG_A}/agent/a`, encodeURIComponent(ORG_A), encodeURIComponent(BOT_B)],
  };
});
afterAll(async () => {
  await node.close();
});

describe('every route under hostile input', () => {
  it('finds the routes it sweeps in the OpenAPI document', () => {
    // A sweep of an empty list would pass: hold it to the node's real surface.
    expect(ops.length).toBeGreaterThanOrEqual(55);
    const names = ops.map((o) => `${o.method} ${o.path}`);
    for (const n of ['POST /v1/facts', 'GET /v1/federation/facts', 'POST /v1/federation/peers', 'PATCH /v1/federation/peers/{id}', 'POST /v1/federation/capability-tokens', 'PUT /v1/federation/manifest', 'PATCH /v1/admin/config', 'POST /v1/federation/quarantine/promote']) {
      expect(names).toContain(n);
    }
    expect(ops.filter((o) => o.body).length).toBeGreaterThanOrEqual(20);
  });

  it('answers every attempt with a 2xx, 3xx or a 4xx carrying a detail', async () => {
    const bodies = {
      'POST /v1/auth/keys': { raw_key: 'sweep-key-2-0123456789abcdef0123456789', entity_uri: `${ORG_A}/agent/b` },
      'POST /v1/gardens/{slug_or_id}/members': { entity_uri: `${ORG_A}/agent/a`, role: 'writer' },
      'PATCH /v1/gardens/{slug_or_id}/members/{*}': { role: 'reader' },
      'POST /v1/facts': { entity: `${ORG_A}/e/2`, relation: 'memory:role', value: { type: 'string', v: 'c' }, source: `${ORG_A}/agent/a`, confidence: 0.9, scope: 'company' },
      'POST /v1/conflicts/{conflict_id}/resolve': { winning_fact_id: factIds[0], resolution_note: 'swept' },
      'PUT /v1/federation/manifest': manifestBody(node.key, ORG_A, node.clock.nowMs()),
      'POST /v1/federation/peers': { peer_url: 'http://127.0.0.1:10', trusted_public_key: 'B'.repeat(43), allowed_scopes: ['public'] },
      'PATCH /v1/federation/peers/{id}': { allowed_scopes: ['public', 'company'] },
      'POST /v1/federation/capability-tokens': tutorialGrant,
      'POST /v1/recall': { query: 'a', scope: 'public' },
      'POST /v1/gardens/{slug_or_id}/promote': { fact_id: factIds[0] },
      'POST /v1/gardens/{slug_or_id}/reject': { fact_id: factIds[0] },
    };
    const { failures, requests, succeeded } = await sweepRoutes(node.app, ops, { auth: ADMIN_KEY, ids, bodies, strings: ['x', 'public', `${ORG_A}/agent/a`, ORG_A, 'http://127.0.0.1:9', 'a'.repeat(40), node.key.publicKey, '2026-11-24T00:00:00Z', 'memory:role', 'writer'] });
    expect(requests).toBeGreaterThan(2000);
    // Most routes were reached past their validators (the rest need a peer's signature or a quarantined fact).
    expect(succeeded.size).toBeGreaterThanOrEqual(45);
    expect(succeeded).toContain('DELETE /v1/gardens/{slug_or_id}/members/{*}');
    expect(failures).toEqual([]);
    // The data the sweep ran against is still there and whole.
    // Facts are immutable: whatever the sweep did, the ones it started with are still there.
    for (const id of factIds) expect((await node.req('GET', `/v1/facts/${id}`)).status).toBe(200);
  }, 120_000);
});

describe('the sweep itself', () => {
  it('reports a route that fails with a 5xx and one that answers a 4xx without a detail', async () => {
    const app = Fastify({ logger: false });
    await app.register(swagger, { openapi: { info: { title: 'broken', version: '0' } } });
    app.post('/boom', { schema: { body: { type: 'object', properties: { n: { type: 'number' } } } } }, async (req) => {
      const n = (req.body as { n?: unknown } | null)?.n;
      if (n === 7) throw new TypeError('seven is unlucky');
      return { ok: true };
    });
    app.get('/bare/:id', async (_req, reply) => reply.code(400).send({ error: 'no detail here' }));
    await app.ready();
    const { failures } = await sweepRoutes(app, operationsOf(app), { auth: 'x' });
    expect(failures.some((f) => f.op === 'POST /boom' && f.status === 500 && f.input === 'body n = number')).toBe(true);
    expect(failures.some((f) => f.op === 'GET /bare/{id}' && f.status === 400)).toBe(true);
    await app.close();
  });
});
