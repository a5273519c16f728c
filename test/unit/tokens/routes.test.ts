// The token routes: issue, verify (no credentials, rate-limited), revoke (logged, signed, published), list.
import { describe, expect, it } from 'vitest';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { leafHash, verifyInclusion } from '../../../src/main/node/transparency/verifier.js';
import { VERIFY_PER_MINUTE } from '../../../src/main/node/tokens/routes.js';
import { BOT_B, issue, ORG_A, orgNodesClosedAfterEach, tutorialGrant } from './helpers.js';

const node = orgNodesClosedAfterEach();

describe('POST /v1/federation/capability-tokens', () => {
  it('issues the tutorial token: 201 with the reference fields and token_json as a compact string', async () => {
    const a = await node(ORG_A, 1);
    const res = await a.req('POST', '/v1/federation/capability-tokens', tutorialGrant);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['expiry', 'issued_at', 'issuer', 'nonce', 'object', 'subject', 'token_id', 'verb', 'token_json']);
    expect(res.body).toMatchObject({ issuer: ORG_A, subject: BOT_B, verb: 'write', object: 'stigmem://org-a.example/scope/shared' });
    expect(res.body.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(res.body.expiry) - Date.parse(res.body.issued_at)).toBe(86_400_000);
    expect(typeof res.body.token_json).toBe('string');
    const token = JSON.parse(res.body.token_json) as Record<string, unknown>;
    expect(res.body.token_json).toBe(JSON.stringify(Object.fromEntries(Object.entries(token).sort(([x], [y]) => (x < y ? -1 : 1)))));
    const { signature, ...body } = token;
    expect(body).toMatchObject({ token_id: res.body.token_id, token_version: 1 });
    expect(verifyB64(a.key.publicKey, canonicalJcsBytes(body), String(signature))).toBe(true);
  });

  it('refuses an issuer this node does not sign for (403) and an org without a published manifest (422)', async () => {
    const a = await node(ORG_A, 1);
    expect(await a.req('POST', '/v1/federation/capability-tokens', { ...tutorialGrant, issuer: 'stigmem://org-c.example' })).toMatchObject({ status: 403, body: { code: 'issuer_not_owned' } });
    const bare = await node(ORG_A, 3, { publish: false });
    const res = await bare.req('POST', '/v1/federation/capability-tokens', tutorialGrant);
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe("issuer manifest not found or expired for 'stigmem://org-a.example' (H1: cannot issue tokens from expired manifests)");
  });

  it('issues for any entity of its published manifest', async () => {
    const a = await node(ORG_A, 1);
    expect((await a.req('POST', '/v1/federation/capability-tokens', { ...tutorialGrant, issuer: `${ORG_A}/agent/assistant` })).status).toBe(201);
  });

  it.each([
    [{ ...tutorialGrant, subject: '' }, 'issuer, subject, verb, and object are required'],
    [{ ...tutorialGrant, verb: 5 }, 'issuer, subject, verb, and object are required'],
    [{ ...tutorialGrant, ttl_seconds: 7_776_001 }, 'ttl_seconds exceeds 90-day maximum (7776000s)'],
    [{ ...tutorialGrant, ttl_seconds: -5 }, 'ttl_seconds must be positive'],
    [{ ...tutorialGrant, ttl_seconds: 'soon' }, 'ttl_seconds must be an integer number of seconds'],
    [[1, 2], 'issuer, subject, verb, and object are required'],
    [{ ...tutorialGrant, subject: 'not a uri' }, 'subject must be an entity URI such as stigmem://org-b.example/agent/bot (got "not a uri")'],
    [{ ...tutorialGrant, subject: 'bot' }, 'subject must be an entity URI such as stigmem://org-b.example/agent/bot (got "bot")'],
  ])('answers 422 for %j', async (body, detail) => {
    const a = await node(ORG_A, 1);
    const res = await a.req('POST', '/v1/federation/capability-tokens', body);
    expect(res).toMatchObject({ status: 422, body: { detail } });
  });

  it('accepts ttl_seconds as an integer string, as the reference does', async () => {
    const a = await node(ORG_A, 1);
    const res = await a.req('POST', '/v1/federation/capability-tokens', { ...tutorialGrant, ttl_seconds: '600' });
    expect(Date.parse(res.body.expiry) - Date.parse(res.body.issued_at)).toBe(600_000);
  });

  it('needs the admin key', async () => {
    const a = await node(ORG_A, 1);
    expect((await a.req('POST', '/v1/federation/capability-tokens', tutorialGrant, false)).status).toBe(401);
    const rawKey = 'writer-key-0123456789abcdef-0123456789';
    expect((await a.req('POST', '/v1/auth/keys', { raw_key: rawKey, entity_uri: ORG_A, permissions: ['read', 'write'] })).status).toBe(201);
    expect((await a.req('POST', '/v1/federation/capability-tokens', tutorialGrant, rawKey)).status).toBe(403);
  });
});

describe('POST /v1/federation/capability-tokens/verify', () => {
  it('needs no credentials and takes token_json as a string or an embedded object', async () => {
    const a = await node(ORG_A, 1);
    const { token_json } = await issue(a, tutorialGrant);
    expect(await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json }, false)).toMatchObject({ status: 200, body: { valid: true } });
    const embedded = `{"token_json": ${token_json}}`;
    const res = await a.req('POST', '/v1/federation/capability-tokens/verify', embedded, false);
    expect(res).toMatchObject({ status: 200, body: { valid: true } });
    expect(res.text).toBe('{"valid":true}');
  });

  it('answers 200 malformed for an unparseable token and 422 when token_json is missing; never 500', async () => {
    const a = await node(ORG_A, 1);
    expect(await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json: '{nope' }, false)).toMatchObject({ status: 200, body: { valid: false, reason: 'malformed' } });
    expect((await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json: '{nope' }, false)).text).toBe('{"valid":false,"reason":"malformed"}');
    for (const body of [{}, { token_json: '' }, { token_json: null }, [], 'null']) {
      expect((await a.req('POST', '/v1/federation/capability-tokens/verify', body, false)).status).toBe(422);
    }
    for (const token_json of [5, true, [1], { a: 1 }, 'x'.repeat(20_000)]) {
      expect(await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json }, false)).toMatchObject({ status: 200, body: { valid: false } });
    }
    expect((await a.req('POST', '/v1/federation/capability-tokens/verify', '{"token_json":', false)).status).toBe(400);
  });

  it('is rate-limited per address with Retry-After', async () => {
    const a = await node(ORG_A, 1);
    for (let i = 0; i < VERIFY_PER_MINUTE; i++) await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json: 'x' }, false);
    const res = await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json: 'x' }, false);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.detail).toMatch(/rate limit/);
    a.clock.advance(61_000);
    expect((await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json: 'x' }, false)).status).toBe(200);
  });
});

describe('revocation', () => {
  it('revokes with a signed event in the transparency log; a second revoke is 409, an unknown token 404', async () => {
    const a = await node(ORG_A, 1);
    const { token_id, token_json } = await issue(a, tutorialGrant);
    const res = await a.req('POST', `/v1/federation/capability-tokens/${token_id}/revoke`, { reason: 'Tutorial complete; token no longer needed.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_id, status: 'revoked' });
    expect(res.body.revoked_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const e = res.body.log_entry;
    expect(verifyInclusion(e.leaf_hash, e.log_index, e.tree_size, e.inclusion_proof, e.root_hash)).toBe(true);
    expect(await a.req('POST', '/v1/federation/capability-tokens/verify', { token_json }, false)).toMatchObject({ body: { valid: false, reason: 'revoked' } });
    expect(await a.req('POST', `/v1/federation/capability-tokens/${token_id}/revoke`, {})).toMatchObject({ status: 409, body: { detail: 'token already revoked' } });
    expect(await a.req('POST', '/v1/federation/capability-tokens/00000000-0000-0000-0000-000000000000/revoke', {})).toMatchObject({ status: 404, body: { detail: 'capability token not found' } });
    expect((await a.req('POST', `/v1/federation/capability-tokens/${token_id}/revoke`, { reason: 5 })).status).toBe(422);

    // Published without credentials; the event verifies under the org key and is the logged leaf.
    const pub = await a.req('GET', '/v1/federation/capability-tokens/revocations?since=0', undefined, false);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ issuer: ORG_A, has_more: false, next_since: e.log_index + 1 });
    const [item] = pub.body.revocations;
    const event = { reason: item.reason, revoked_at: item.revoked_at, revoked_by: item.revoked_by, token_id: item.token_id };
    expect(event).toEqual({ reason: 'Tutorial complete; token no longer needed.', revoked_at: res.body.revoked_at, revoked_by: ORG_A, token_id });
    expect(verifyB64(a.key.publicKey, canonicalJcsBytes(event), item.signature)).toBe(true);
    expect(leafHash(canonicalJcsBytes({ ...event, signature: item.signature })).toString('hex')).toBe(e.leaf_hash);
    expect((await a.req('GET', `/v1/federation/capability-tokens/revocations?since=${e.log_index + 1}`, undefined, false)).body.revocations).toEqual([]);
    expect((await a.req('GET', '/v1/federation/capability-tokens/revocations?since=-1', undefined, false)).status).toBe(422);
  });

  it('needs the admin key', async () => {
    const a = await node(ORG_A, 1);
    const { token_id } = await issue(a, tutorialGrant);
    expect((await a.req('POST', `/v1/federation/capability-tokens/${token_id}/revoke`, {}, false)).status).toBe(401);
  });
});

describe('GET /v1/federation/capability-tokens', () => {
  it('lists issued tokens newest first with their status', async () => {
    const a = await node(ORG_A, 1);
    const first = await issue(a, { ...tutorialGrant, ttl_seconds: 60 });
    const second = await issue(a, tutorialGrant);
    const third = await issue(a, tutorialGrant);
    await a.req('POST', `/v1/federation/capability-tokens/${second.token_id}/revoke`, { reason: 'r' });
    a.clock.advance(120_000);
    const res = await a.req('GET', '/v1/federation/capability-tokens');
    expect(res.status).toBe(200);
    expect(res.body.tokens.map((t: { token_id: string; status: string }) => [t.token_id, t.status])).toEqual([
      [third.token_id, 'active'], [second.token_id, 'revoked'], [first.token_id, 'expired'],
    ]);
    expect(res.body.tokens[1]).toMatchObject({ revoke_reason: 'r', issued_by: ORG_A });
    expect(JSON.stringify(res.body)).not.toContain('signature');
    const page = await a.req('GET', '/v1/federation/capability-tokens?limit=2');
    expect(page.body.tokens).toHaveLength(2);
    expect((await a.req('GET', `/v1/federation/capability-tokens?limit=2&cursor=${page.body.cursor}`)).body.tokens.map((t: { token_id: string }) => t.token_id)).toEqual([first.token_id]);
    expect((await a.req('GET', '/v1/federation/capability-tokens', undefined, false)).status).toBe(401);
  });
});
