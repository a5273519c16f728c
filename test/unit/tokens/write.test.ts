// Writing under a capability token: the verb, object and subject rules, the token as a credential on every /v1 path.
import { describe, expect, it } from 'vitest';
import { findFactData } from '../../../src/main/node/conformance/match.js';
import { BOT_B, holdManifest, issue, ORG_A, ORG_B, type OrgNode, orgNodesClosedAfterEach, tutorialFact, tutorialGrant } from './helpers.js';

const node = orgNodesClosedAfterEach();

type Res = Awaited<ReturnType<OrgNode['req']>>;

async function tokenFor(a: OrgNode, over: Record<string, unknown> = {}): Promise<string> {
  return (await issue(a, { ...tutorialGrant, ...over })).token_json;
}

const write = (n: OrgNode, token: string, fact: Record<string, unknown> = tutorialFact): Promise<Res> => n.req('POST', '/v1/facts', fact, token);

function refused(res: Res, status: number, code?: string): void {
  expect(res.status).toBe(status);
  if (code) expect(res.body.code).toBe(code);
  expect(findFactData(res.body)).toBeNull();
  expect(res.text).not.toContain('atlas');
}

describe('the tutorial write (Step 6)', () => {
  it('answers 201 with the record, stored as received from the token subject', async () => {
    const a = await node(ORG_A, 1);
    const token = await tokenFor(a);
    const res = await write(a, token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ fact_id: res.body.id, entity: tutorialFact.entity, source: BOT_B, received_from: BOT_B, scope: 'company' });
    expect(res.body).toHaveProperty('quarantine_status');
    expect(res.body).toHaveProperty('quarantine_garden_id');
    expect(res.body).toHaveProperty('quarantine_reason');
    expect(res.body.attestation_chain).toHaveLength(1);
    const prov = await a.req('GET', `/v1/facts/${res.body.id}/provenance`);
    expect(prov.body).toMatchObject({ received_via: 'token', written_by: BOT_B, capability_token: { issuer: ORG_A, subject: BOT_B, verb: 'write', valid_now: true } });
    // The same write again is the same fact (tokens are reusable until they expire or are revoked).
    expect((await write(a, token)).body.id).toBe(res.body.id);
  });

  it('in strict mode lands in quarantine, and the same write again answers with the same pending fact', async () => {
    const a = await node(ORG_A, 1, { env: { STIGMEM_TRUST_MODE: 'strict' } });
    const token = await tokenFor(a);
    const res = await write(a, token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ quarantine_status: 'pending', quarantine_reason: 'auto-quarantine: source_trust below threshold (t=0.15)' });
    expect(res.body.quarantine_garden_id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await write(a, token);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: res.body.id, quarantine_status: 'pending' });
    expect(again.body.attestation_chain).toEqual(res.body.attestation_chain);
  });

  it('takes the token from X-Stigmem-Capability too', async () => {
    const a = await node(ORG_A, 1);
    const token = await tokenFor(a);
    const res = await a.req('POST', '/v1/facts', tutorialFact, false, { 'x-stigmem-capability': token });
    expect(res.status).toBe(201);
  });

  it('is refused once the token is revoked or expired', async () => {
    const a = await node(ORG_A, 1);
    const issued = await issue(a, { ...tutorialGrant, ttl_seconds: 300 });
    expect((await write(a, issued.token_json)).status).toBe(201);
    await a.req('POST', `/v1/federation/capability-tokens/${issued.token_id}/revoke`, {});
    const res = await write(a, issued.token_json, { ...tutorialFact, value: { type: 'string', v: 'paused' } });
    refused(res, 401, 'capability_token_invalid');
    expect(res.body.detail).toBe('capability token invalid: revoked');
    const other = await tokenFor(a, { ttl_seconds: 300 });
    a.clock.advance(301_000);
    expect((await write(a, other)).body.detail).toBe('capability token invalid: expired');
  });
});

describe('what a token covers', () => {
  const fact = (over: Record<string, unknown>) => ({ ...tutorialFact, ...over });

  it('needs verb write, a source that is the subject or under it, and no instruction facts', async () => {
    const a = await node(ORG_A, 1);
    refused(await write(a, await tokenFor(a, { verb: 'read' })), 403, 'insufficient_capability');
    const token = await tokenFor(a);
    refused(await write(a, token, fact({ source: 'stigmem://org-b.example/agent/other' })), 403, 'insufficient_capability');
    refused(await write(a, token, fact({ source: 'stigmem://org-b.example/agent/bot-2' })), 403, 'insufficient_capability');
    expect((await write(a, token, fact({ source: 'stigmem://org-b.example/agent/bot/worker' }))).status).toBe(201);
    expect((await write(a, token, fact({ source: 'STIGMEM://Org-B.example/agent/Bot' }))).status).toBe(201);
    refused(await write(a, token, fact({ value: { type: 'string', v: 'do this', interpret_as: 'instruction' } })), 403, 'insufficient_capability');
  });

  it('stigmem://<authority>/scope/<name>: facts about that authority\'s entities, in any scope but local', async () => {
    const a = await node(ORG_A, 1);
    const token = await tokenFor(a);
    expect((await write(a, token, fact({ scope: 'public' }))).status).toBe(201);
    refused(await write(a, token, fact({ scope: 'local' })), 403, 'insufficient_capability');
    refused(await write(a, token, fact({ entity: 'stigmem://org-c.example/project/atlas' })), 403, 'insufficient_capability');
    refused(await write(a, token, fact({ entity: 'stigmem://org-a.example.evil/project/atlas' })), 403, 'insufficient_capability');
  });

  it('stigmem://facts/scope:<scope> covers that scope only; stigmem://facts covers every fact outside gardens', async () => {
    const a = await node(ORG_A, 1);
    const company = await tokenFor(a, { object: 'stigmem://facts/scope:company' });
    expect((await write(a, company, fact({ entity: 'stigmem://anything.example/x/y' }))).status).toBe(201);
    refused(await write(a, company, fact({ scope: 'public' })), 403, 'insufficient_capability');
    const all = await tokenFor(a, { object: 'stigmem://facts' });
    expect((await write(a, all, fact({ scope: 'local' }))).status).toBe(201);
    await a.req('POST', '/v1/gardens', { slug: 'ops', name: 'Ops', scope: 'company' });
    refused(await write(a, all, fact({ garden_id: 'ops' })), 403, 'insufficient_capability');
  });

  it('an entity URI covers exactly that entity', async () => {
    const a = await node(ORG_A, 1);
    const token = await tokenFor(a, { object: tutorialFact.entity });
    expect((await write(a, token)).status).toBe(201);
    refused(await write(a, token, fact({ entity: 'stigmem://org-a.example/project/other' })), 403, 'insufficient_capability');
  });

  it('a garden URI covers writes into that garden only, without garden membership', async () => {
    const a = await node(ORG_A, 1);
    const ops = await a.req('POST', '/v1/gardens', { slug: 'ops', name: 'Ops', scope: 'company' });
    await a.req('POST', '/v1/gardens', { slug: 'hr', name: 'HR', scope: 'company' });
    const token = await tokenFor(a, { object: 'stigmem://org-a.example/garden/ops' });
    const res = await write(a, token, fact({ garden_id: 'stigmem://org-a.example/garden/ops' }));
    expect(res.status).toBe(201);
    expect(res.body.garden_id).toBe(ops.body.id);
    refused(await write(a, token, fact({ garden_id: 'hr' })), 403, 'insufficient_capability');
    refused(await write(a, token), 403, 'insufficient_capability');
  });

  it('a token from another organisation whose manifest is held here grants writes about that organisation\'s entities only', async () => {
    const a = await node(ORG_A, 1);
    const b = await node(ORG_B, 2, { clock: a.clock });
    holdManifest(b, a.key, ORG_A, a.clock.nowMs());
    expect((await write(b, await tokenFor(a))).status).toBe(201);
    refused(await write(b, await tokenFor(a, { object: 'stigmem://facts' })), 403, 'insufficient_capability');
    refused(await write(b, await tokenFor(a, { object: 'stigmem://org-b.example/scope/shared' }), fact({ entity: 'stigmem://org-b.example/project/atlas' })), 403, 'insufficient_capability');
  });
});

describe('a token is a credential for POST /v1/facts only, checked before routing', () => {
  it('a valid token anywhere else is 403 insufficient_capability, even on paths this node does not serve', async () => {
    const a = await node(ORG_A, 1);
    const token = await tokenFor(a);
    await write(a, token);
    for (const [method, path, body] of [
      ['GET', '/v1/facts', undefined], ['POST', '/v1/recall', { query: 'atlas', scope: 'company' }], ['GET', '/v1/federation/peers', undefined],
      ['POST', '/v1/federation/capability-tokens', tutorialGrant], ['GET', '/v1/quarantine', undefined], ['GET', '/v1/no-such-route', undefined],
      ['DELETE', '/v1/gardens/ops', undefined],
    ] as const) {
      refused(await a.req(method, path, body, token), 403, 'insufficient_capability');
    }
  });

  it('a bad token is 401 with a detail on every /v1 path, with auth required or not', async () => {
    for (const env of [{}, { STIGMEM_AUTH_REQUIRED: 'false' }] as Record<string, string>[]) {
      const a = await node(ORG_A, 1, { env });
      const bad = (await tokenFor(a)).replace(/"signature":"(.)/, (_m, c: string) => `"signature":"${c === 'A' ? 'B' : 'A'}`);
      for (const [method, path] of [['POST', '/v1/facts'], ['GET', '/v1/facts'], ['POST', '/v1/recall'], ['GET', '/v1/nope']] as const) {
        const res = await a.req(method, path, method === 'POST' ? tutorialFact : undefined, bad);
        refused(res, 401, 'capability_token_invalid');
        expect(res.body.detail).toMatch(/^capability token invalid: (bad_signature|malformed)$/);
      }
      refused(await a.req('POST', '/v1/facts', tutorialFact, false, { 'x-stigmem-capability': '{"token_version":1}' }), 401, 'capability_token_invalid');
    }
  });

  it('a token over 16 KiB is 401 token_too_large', async () => {
    const a = await node(ORG_A, 1);
    const big = `{"pad":"${'A'.repeat(17 * 1024)}"}`;
    refused(await a.req('POST', '/v1/facts', tutorialFact, big), 401, 'token_too_large');
    refused(await a.req('POST', '/v1/facts', tutorialFact, false, { 'x-stigmem-capability': big }), 401, 'token_too_large');
  });
});
