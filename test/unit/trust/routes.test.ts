// GET / PUT / DELETE /v1/federation/trust-scores: the runbook's Step 6 commands, permissions and hostile input.
import { afterEach, describe, expect, it } from 'vitest';
import { routeIncomingFact } from '../../../src/main/node/federation/routing.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { addKey, BOT } from '../quarantine/helpers.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

async function node(env: Record<string, string> = {}): Promise<TestNode> {
  const n = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict', ...env });
  nodes.push(n);
  return n;
}

const ENCODED_ORG_B = encodeURIComponent('stigmem://org-b.example');

describe('trust-score routes', () => {
  it('set a score on a URL-encoded source and show it with the formula parts', async () => {
    const n = await node();
    routeIncomingFact(n.deps, { source: BOT, scope: 'company', via: 'federation' });
    const before = await n.req('GET', '/v1/federation/trust-scores');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ trust_mode: 'strict', quarantine_threshold: 0.3 });
    expect(before.body.scores).toEqual([expect.objectContaining({
      source: BOT, score: 0.15, origin: 'strict_unverified', computed_score: 0.255, below_threshold: true, scope: 'company', facts_seen: 1,
      parts: { identity: 0.1, peer_history: 0.5, scope_authority: 0.2, attestation_mode: 0.2 },
    })]);

    const put = await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, { score: 0.8 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ source: 'stigmem://org-b.example', score: 0.8, origin: 'override', set_by: 'stigmem://localhost:8765' });
    expect(put.text).toContain('"score":0.8');

    const after = await n.req('GET', '/v1/federation/trust-scores');
    const bySource = Object.fromEntries(after.body.scores.map((s: { source: string }) => [s.source, s]));
    expect(bySource['stigmem://org-b.example']).toMatchObject({ score: 0.8, origin: 'override' });
    expect(bySource[BOT]).toMatchObject({ score: 0.8, origin: 'override', below_threshold: false, override: { source: 'stigmem://org-b.example' } });
    const one = await n.req('GET', `/v1/federation/trust-scores/${encodeURIComponent(BOT)}`);
    expect(one.body).toMatchObject({ source: BOT, score: 0.8, origin: 'override' });
  });

  it('replace a score with a second PUT, print whole scores as floats, and remove it with DELETE', async () => {
    const n = await node();
    await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, { score: 0.8 });
    const again = await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, { score: 1, note: 'partner org' });
    expect(again.text).toContain('"score":1.0');
    expect(again.body.note).toBe('partner org');
    const del = await n.req('DELETE', `/v1/federation/trust-scores/${ENCODED_ORG_B}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await n.req('DELETE', `/v1/federation/trust-scores/${ENCODED_ORG_B}`);
    expect(gone.status).toBe(404);
    expect(gone.body.detail).toBe('no trust-score override for this source');
    const list = await n.req('GET', '/v1/federation/trust-scores');
    expect(list.body.scores).toEqual([]);
  });

  it('accept the unencoded spelling and a trailing slash as the same key', async () => {
    const n = await node();
    await n.req('PUT', '/v1/federation/trust-scores/stigmem://Org-B.example/', { score: 0.6 });
    const del = await n.req('DELETE', `/v1/federation/trust-scores/${ENCODED_ORG_B}`);
    expect(del.status).toBe(204);
  });

  it('need admin to change scores and read to see them', async () => {
    const n = await node();
    const writer = addKey(n, 'stigmem://localhost:8765/agent/w', ['read', 'write', 'federate']);
    expect((await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, { score: 0.8 }, writer)).status).toBe(403);
    expect((await n.req('DELETE', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, undefined, writer)).status).toBe(403);
    expect((await n.req('GET', '/v1/federation/trust-scores', undefined, writer)).status).toBe(200);
    expect((await n.req('GET', '/v1/federation/trust-scores', undefined, false)).status).toBe(401);
    expect((await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, { score: 0.8 }, false)).status).toBe(401);
  });

  it('answer the runbook read without credentials when auth is off', async () => {
    const n = await node({ STIGMEM_AUTH_REQUIRED: 'false' });
    expect((await n.req('GET', '/v1/federation/trust-scores', undefined, false)).status).toBe(200);
    // The admin key still changes scores; an anonymous caller may not.
    expect((await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, { score: 0.8 }, false)).status).toBe(403);
    expect((await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, { score: 0.8 })).status).toBe(200);
  });
});

describe('hostile input', () => {
  const bodies: [string, unknown][] = [
    ['score above 1', { score: 1.5 }],
    ['score below 0', { score: -0.1 }],
    ['score as string', { score: '0.8' }],
    ['score as boolean', { score: true }],
    ['score null', { score: null }],
    ['no score', {}],
    ['extra field', { score: 0.5, admin: true }],
    ['array body', [0.5]],
    ['note too long', { score: 0.5, note: 'x'.repeat(1001) }],
  ];
  it.each(bodies)('refuses %s with 422', async (_name, body) => {
    const n = await node();
    const res = await n.req('PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toBeTruthy();
  });

  it('refuses bad JSON, bad sources and bad query values with a 4xx and a detail, never a 500', async () => {
    const n = await node();
    const cases: [string, string, unknown, number][] = [
      ['PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, '{"score": 0.5', 400],
      ['PUT', '/v1/federation/trust-scores/stigmem%3A%2F%2Forg%00b', { score: 0.5 }, 422],
      ['PUT', '/v1/federation/trust-scores/%20%20', { score: 0.5 }, 422],
      ['PUT', `/v1/federation/trust-scores/${'a'.repeat(2100)}`, { score: 0.5 }, 422],
      ['PUT', `/v1/federation/trust-scores/${ENCODED_ORG_B}`, `{"score": 0.5, "note": ${'['.repeat(5000)}${']'.repeat(5000)}}`, 400],
      ['PUT', '/v1/federation/trust-scores/%E0%A4%A', { score: 0.5 }, 400],
      ['DELETE', '/v1/federation/trust-scores/%0A', undefined, 422],
      ['GET', '/v1/federation/trust-scores?limit=0', undefined, 422],
      ['GET', '/v1/federation/trust-scores?limit=abc', undefined, 422],
      ['GET', `/v1/federation/trust-scores/${ENCODED_ORG_B}?scope=galaxy`, undefined, 422],
      ['GET', `/v1/federation/trust-scores/${ENCODED_ORG_B}?via=carrier-pigeon`, undefined, 422],
    ];
    for (const [method, url, body, status] of cases) {
      const res = await n.req(method, url, body);
      expect([method, url.slice(0, 60), res.status]).toEqual([method, url.slice(0, 60), status]);
      expect(res.body.detail).toBeTruthy();
    }
  });
});
