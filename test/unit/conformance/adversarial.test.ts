import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../../src/main/node/conformance/index.js';
import { algNoneJwt, corruptSignature, forge, oversizedToken, signedToken } from '../../../src/main/node/conformance/forgery.js';
import { generateSeed, publicKeyFromSeed, verifyNoble } from '../../../src/main/node/crypto/ed25519.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { fakeFactory, type Handler } from './fakeNode.js';
import { removeVectorFolders, suiteOf } from './suiteFiles.js';

afterAll(removeVectorFolders);

const target = { orgEntity: 'stigmem://testnode' };

function verifies(token: Record<string, unknown>, seed: Uint8Array): boolean {
  const { signature, ...body } = token;
  return verifyNoble(publicKeyFromSeed(seed), canonicalJcsBytes(body), Buffer.from(String(signature), 'base64url'));
}

describe('forged tokens', () => {
  it('signs a reference-format token (JCS body without signature) and applies JWT-style overrides', () => {
    const seed = generateSeed();
    const token = signedToken(seed, { issuer: 'stigmem://testnode', subject: 'stigmem://testnode/agent/x' }, { exp: 0, capabilities: ['read', 'admin'] });
    expect(Object.keys(token).sort()).toEqual(
      ['capabilities', 'expiry', 'issued_at', 'issuer', 'nonce', 'object', 'signature', 'subject', 'token_id', 'token_version', 'verb'].sort(),
    );
    expect(token).toMatchObject({ token_version: 1, expiry: '1970-01-01T00:00:00.000000+00:00', verb: 'admin' });
    expect(token['nonce']).toMatch(/^[0-9a-f]{64}$/);
    expect(verifies(token, seed)).toBe(true);
    expect(verifies(token, generateSeed())).toBe(false);
  });

  it('flips exactly one bit of the signature', () => {
    const seed = generateSeed();
    const token = signedToken(seed, { issuer: 'a:b', subject: 'a:c' });
    const bad = corruptSignature(token);
    const x = Buffer.from(String(token['signature']), 'base64url');
    const y = Buffer.from(String(bad['signature']), 'base64url');
    const bitsDiffering = [...x].reduce((n, b, i) => n + ((b ^ y[i]!).toString(2).match(/1/g)?.length ?? 0), 0);
    expect(bitsDiffering).toBe(1);
    expect(verifies(bad, seed)).toBe(false);
  });

  it('builds an alg=none JWT and a >16 KiB parser-bomb token', () => {
    const [h, p, s] = algNoneJwt(target).split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'none', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toMatchObject({ iss: 'stigmem://testnode', capabilities: ['write'] });
    expect(s).toBe('');
    const big = oversizedToken();
    expect(Buffer.byteLength(big)).toBeGreaterThan(16 * 1024);
    expect(() => JSON.parse(big) as unknown).not.toThrow();
  });

  it('sends corpus tokens as given and picks the header per shape', () => {
    const base = { endpoint: '/v1/facts', method: 'POST', expected_status: [401] };
    const got = (s: Record<string, unknown>) => forge({ ...base, ...s }, target);
    expect(got({ forgery_shape: 'malformed_jwt_bad_base64', token: 'header.!!!not-base64!!!.signature' })).toMatchObject({ authorization: 'Bearer header.!!!not-base64!!!.signature' });
    expect(got({ forgery_shape: 'empty_auth_header', token: '' })).toMatchObject({ authorization: '' });
    expect(got({ forgery_shape: 'wrong_auth_scheme', token: 'Basic dXNlcjpwYXNz' })).toMatchObject({ authorization: 'Basic dXNlcjpwYXNz' });
    expect(got({ forgery_shape: 'nonce_replay' })).toMatchObject({ sendTwice: true });
    expect(got({ forgery_shape: 'something_new' })).toEqual({ error: 'unknown forgery_shape "something_new" and no token to send' });
    const fact = got({ forgery_shape: 'unknown_key_signed' });
    expect('body' in fact && JSON.parse(fact.body!)).toMatchObject({ entity: 'stigmem://testnode/user/alice', source: 'stigmem://testnode/agent/forger' });
    expect('body' in fact && fact.body).toContain('"confidence":1.0');
    const recall = got({ forgery_shape: 'empty_capabilities', endpoint: '/v1/recall', token_overrides: { capabilities: [] } });
    expect('body' in recall && JSON.parse(recall.body!)).toEqual({ query: 'alice', limit: 10 });
    const mismatch = got({ forgery_shape: 'entity_uri_mismatch' });
    expect('authorization' in mismatch && JSON.parse(mismatch.authorization.slice(7))).toMatchObject({ issuer: 'stigmem://org-a.example' });
    expect('body' in mismatch && JSON.parse(mismatch.body!)).toMatchObject({ source: 'stigmem://org-b.example/agent/writer' });
  });
});

describe('running scenarios', () => {
  const scenarios = [
    { id: 'one', forgery_shape: 'unknown_key_signed', endpoint: '/v1/facts', method: 'POST', expected_status: [401, 403], pass_criterion: 'no_fact_data_in_response' },
    { id: 'replay', forgery_shape: 'nonce_replay', endpoint: '/v1/facts', method: 'POST', expected_status_on_replay: [401, 403], pass_criterion: 'no_fact_data_in_response' },
  ];
  const suite = suiteOf({ 'adversarial/s.json': scenarios });
  const wellKnown: Handler = () => ({ status: 200, body: { node_url: 'http://testnode', auth: 'required' } });
  const withWellKnown = (h: Handler): Handler => (req, st) => (req.path === '/.well-known/stigmem' ? wellKnown(req, st) : h(req, st));

  it('passes when the node refuses every forged request with a listed status and no fact data', async () => {
    const f = fakeFactory(withWellKnown(() => ({ status: 401, body: { detail: 'Invalid or expired API key' } })));
    const { results } = await runSuite(suite, f);
    expect(results.map((r) => [r.id, r.outcome])).toEqual([['one', 'pass'], ['replay', 'pass']]);
    expect(f.made.map((m) => m.kind)).toEqual(['auth', 'auth']);
    const replayCalls = f.made[1]!.node.requests.filter((q) => q.path === '/v1/facts');
    expect(replayCalls).toHaveLength(2);
    expect(replayCalls[0]!.authorization).toBe(replayCalls[1]!.authorization);
    expect(replayCalls[0]!.authorization).toMatch(/^Bearer \{"expiry":/);
  });

  it('fails a node that accepts the forgery, naming the leaked fact data', async () => {
    const accept: Handler = (req) => ({ status: 201, body: { id: 'f-1', entity: JSON.parse(req.body).entity as string, relation: 'memory:role' } });
    const { results } = await runSuite(suite, fakeFactory(withWellKnown(accept)));
    expect(results[0]!.outcome).toBe('fail');
    expect(results[0]!.reason).toMatch(/expected HTTP in \[401,403\], got HTTP 201/);
    expect(results[1]!.outcome).toBe('fail');
    expect(results[1]!.reason).toMatch(/response carries fact data \(a record with id "f-1"/);
  });

  it('fails a listed status that still leaks facts, and a replay that is accepted the second time', async () => {
    let n = 0;
    const leakyRefusal: Handler = () => ({ status: 403, body: { detail: 'no', facts: [{ id: 'x' }] } });
    const secondAccepted: Handler = () => (++n === 2 ? { status: 200, body: { facts: [{ id: 'x', entity: 'e' }] } } : { status: 401, body: {} });
    const leaky = await runSuite(suite, fakeFactory(withWellKnown(leakyRefusal)));
    expect(leaky.results[0]!.reason).toMatch(/'facts' list with 1 item/);
    const replay = await runSuite(suiteOf({ 'adversarial/s.json': [scenarios[1]] }), fakeFactory(withWellKnown(secondAccepted)));
    expect(replay.results[0]!.reason).toMatch(/on replay expected HTTP in \[401,403\], got HTTP 200/);
  });

  it('claims the org the node advertises (entity_uri first)', async () => {
    const f = fakeFactory((req) =>
      req.path === '/.well-known/stigmem' ? { status: 200, body: { entity_uri: 'stigmem://org-x.example', node_url: 'http://other' } } : { status: 401, body: {} },
    );
    await runSuite(suiteOf({ 'adversarial/s.json': [scenarios[0]] }), f);
    const sent = f.made[0]!.node.requests.find((q) => q.path === '/v1/facts')!;
    expect(JSON.parse(sent.authorization!.slice('Bearer '.length))).toMatchObject({ issuer: 'stigmem://org-x.example' });
  });

  it('puts each header form on the wire as built: empty, Basic, oversized', async () => {
    const shapes = [
      { id: 'empty', forgery_shape: 'empty_auth_header', token: '' },
      { id: 'basic', forgery_shape: 'wrong_auth_scheme', token: 'Basic dXNlcjpwYXNz' },
      { id: 'big', forgery_shape: 'oversized_token' },
    ].map((s) => ({ ...s, endpoint: '/v1/recall', method: 'POST', expected_status: [401] }));
    const f = fakeFactory(withWellKnown(() => ({ status: 401, body: {} })));
    const { summary } = await runSuite(suiteOf({ 'adversarial/s.json': shapes }), f, { concurrency: 1 });
    expect(summary).toEqual({ passed: 3, failed: 0, skipped: 0 });
    const sent = f.made.map((m) => m.node.requests.find((q) => q.path === '/v1/recall')!.authorization);
    expect(sent[0]).toBe('');
    expect(sent[1]).toBe('Basic dXNlcjpwYXNz');
    expect(sent[2]!.startsWith('Bearer {"token_version":1')).toBe(true);
    expect(sent[2]!.length).toBeGreaterThan(16 * 1024);
  });

  it('refuses to judge an unknown pass criterion', async () => {
    const s = suiteOf({ 'adversarial/s.json': [{ ...scenarios[0], pass_criterion: 'vibes' }] });
    const { results } = await runSuite(s, fakeFactory(withWellKnown(() => ({ status: 401, body: {} }))));
    expect(results[0]).toMatchObject({ outcome: 'fail', reason: 'unsupported pass_criterion "vibes"' });
  });
});
