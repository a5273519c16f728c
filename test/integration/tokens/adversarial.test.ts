// Every scenario of the adversarial capability-token corpus against a real `stigmem serve` with auth required: the
// corpus's own forgeries, and the same shapes forged with the issuer's real key, so only the token rules can refuse.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoFromMs } from '../../../src/main/node/clock.js';
import { runScenario } from '../../../src/main/node/conformance/adversarial.js';
import { send } from '../../../src/main/node/conformance/http.js';
import { findFactData } from '../../../src/main/node/conformance/match.js';
import { toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { encodeJson, pyFloat } from '../../../src/main/node/json/pyjson.js';
import { tokenJsonOf, tokenSigningBytes } from '../../../src/main/node/tokens/format.js';
import { REPO_ROOT, spawnNode, type NodeProcess } from '../../helpers/process.js';

const CORPUS = join(REPO_ROOT, '../shared/conformance/adversarial/capability_token_scenarios.json');
const ADMIN = 'adversarial-admin-key-0123456789';
const ORG_A = 'stigmem://org-a.example';
const seed = new Uint8Array(32).fill(41);
const orgKey = signerFromSeed(seed, 'test');

interface Scenario {
  id: string;
  forgery_shape: string;
  endpoint: string;
  method: string;
  expected_status?: number[];
  expected_status_on_replay?: number[];
  token?: string;
  token_overrides?: Record<string, unknown>;
}

const scenarios = JSON.parse(readFileSync(CORPUS, 'utf8')) as Scenario[];

let node: NodeProcess;

const admin = (method: string, path: string, body?: unknown) => send(node.url, method, path, { authorization: `Bearer ${ADMIN}`, body: body === undefined ? undefined : JSON.stringify(body) });

/** A token in the reference format signed by the node's real org key, with arbitrary (even illegal) fields. */
function signedByIssuer(fields: Record<string, unknown>): string {
  const now = Date.now();
  const body: Record<string, unknown> = {
    expiry: isoFromMs(now + 3600_000), issued_at: isoFromMs(now), issuer: ORG_A, nonce: randomBytes(32).toString('hex'),
    object: 'stigmem://facts', subject: `${ORG_A}/agent/writer`, token_id: randomUUID(), token_version: 1, verb: 'write', ...fields,
  };
  const signature = orgKey.signB64(Buffer.from(encodeJson(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1)))), 'utf8'));
  return encodeJson({ ...body, signature });
}

const factBody = (source = `${ORG_A}/agent/writer`, entity = `${ORG_A}/user/alice`) =>
  encodeJson({ entity, relation: 'memory:role', value: { type: 'string', v: 'forged' }, source, confidence: pyFloat(1), scope: 'company' });
const recallBody = JSON.stringify({ query: 'alice forged', scope: 'company' });

async function attempt(s: Scenario, authorization: string, body?: string) {
  const x = await send(node.url, s.method, s.endpoint, { authorization, body: body ?? (s.endpoint === '/v1/recall' ? recallBody : factBody()) });
  expect(x.error).toBeNull();
  return x;
}

function refusedAs(s: Scenario, x: { status: number; json: unknown; text: string }, allowed = s.expected_status ?? s.expected_status_on_replay ?? [401, 403]): void {
  expect(allowed, `${s.id}: ${x.status} ${x.text.slice(0, 200)}`).toContain(x.status);
  expect(findFactData(x.json)).toBeNull();
  expect(x.text).not.toContain('"forged"');
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-cli.mjs')]);
  node = await spawnNode({ STIGMEM_ADMIN_KEY: ADMIN, STIGMEM_ENTITY_URI: ORG_A, STIGMEM_NODE_PRIVATE_KEY: toBase64Url(seed) });
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const res = await admin('PUT', '/v1/federation/manifest', {
    entity_uri: ORG_A, public_key: orgKey.publicKey, key_id: orgKey.keyId, entities: [ORG_A], rotation_events: [],
    issued_at: iso(now - 60_000), expires_at: iso(now + 300 * 86_400_000), signature: '__self_sign__',
  });
  expect(res.status).toBe(200);
  // A fact the forgers would love to read back.
  expect((await admin('POST', '/v1/facts', JSON.parse(factBody()))).status).toBe(201);
});

afterAll(async () => node?.cleanup());

describe('the corpus forgeries, as the conformance runner sends them', () => {
  it.each(scenarios.map((s) => [s.id, s] as const))('%s is refused', async (_id, s) => {
    expect(await runScenario(node.url, s as unknown as Record<string, never>)).toEqual({ ok: true });
  });
});

describe('the same shapes forged with the issuer\'s real key', () => {
  const byShape = (shape: string): Scenario => scenarios.find((s) => s.forgery_shape === shape)!;

  it('unsigned_json: the token without its signature', async () => {
    const t = JSON.parse(signedByIssuer({})) as Record<string, unknown>;
    delete t['signature'];
    refusedAs(byShape('unsigned_json'), await attempt(byShape('unsigned_json'), `Bearer ${JSON.stringify(t)}`));
  });

  it('unknown_key_signed and bit_corrupted_signature: a real token, re-signed by a stranger or with one bit flipped', async () => {
    const issued = await admin('POST', '/v1/federation/capability-tokens', { issuer: ORG_A, subject: `${ORG_A}/agent/writer`, verb: 'write', object: 'stigmem://facts', ttl_seconds: 600 });
    const token = JSON.parse((issued.json as { token_json: string }).token_json) as Record<string, string>;
    const sig = Buffer.from(token['signature']!, 'base64url');
    sig[31] = sig[31]! ^ 0x01;
    refusedAs(byShape('bit_corrupted_signature'), await attempt(byShape('bit_corrupted_signature'), `Bearer ${JSON.stringify({ ...token, signature: sig.toString('base64url') })}`));
    const { signature: _s, token_version: _v, ...rest } = token;
    const stranger = signerFromSeed(new Uint8Array(32).fill(99), 'stranger');
    const unsigned = { ...rest, token_version: 1 } as unknown as Parameters<typeof tokenSigningBytes>[0];
    refusedAs(byShape('unknown_key_signed'), await attempt(byShape('unknown_key_signed'), `Bearer ${tokenJsonOf({ ...unsigned, signature: stranger.signB64(tokenSigningBytes(unsigned)) })}`));
  });

  it('expired_token, nbf_in_future, capability_escalation, empty_capabilities', async () => {
    refusedAs(byShape('expired_token'), await attempt(byShape('expired_token'), `Bearer ${signedByIssuer({ expiry: '1970-01-01T00:00:00+00:00' })}`));
    refusedAs(byShape('nbf_in_future'), await attempt(byShape('nbf_in_future'), `Bearer ${signedByIssuer({ nbf: 9999999999 })}`));
    refusedAs(byShape('capability_escalation'), await attempt(byShape('capability_escalation'), `Bearer ${signedByIssuer({ capabilities: ['read', 'write', 'admin'] })}`));
    // A well-formed token for `read` cannot write, and no token can recall.
    refusedAs(byShape('capability_escalation'), await attempt(byShape('capability_escalation'), `Bearer ${signedByIssuer({ verb: 'read' })}`), [403]);
    refusedAs(byShape('empty_capabilities'), await attempt(byShape('empty_capabilities'), `Bearer ${signedByIssuer({ capabilities: [] })}`));
    refusedAs(byShape('empty_capabilities'), await attempt(byShape('empty_capabilities'), `Bearer ${signedByIssuer({})}`), [403]);
  });

  it('nonce_replay: a real token is reusable until revoked; after revocation every presentation is refused', async () => {
    const s = byShape('nonce_replay');
    const issued = await admin('POST', '/v1/federation/capability-tokens', { issuer: ORG_A, subject: `${ORG_A}/agent/replayer`, verb: 'write', object: 'stigmem://facts', ttl_seconds: 600 });
    const { token_id, token_json } = issued.json as { token_id: string; token_json: string };
    const body = factBody(`${ORG_A}/agent/replayer`);
    expect((await attempt(s, `Bearer ${token_json}`, body)).status).toBe(201);
    expect((await admin('POST', `/v1/federation/capability-tokens/${token_id}/revoke`, { reason: 'replay test' })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const x = await attempt(s, `Bearer ${token_json}`, body);
      refusedAs(s, x, s.expected_status_on_replay);
      expect(x.json).toMatchObject({ detail: 'capability token invalid: revoked' });
    }
    const viaHeader = await send(node.url, 'POST', '/v1/facts', { body });
    expect(viaHeader.status).toBe(401);
  });

  it('entity_uri_mismatch: a token for one subject used for another organisation\'s source', async () => {
    const s = byShape('entity_uri_mismatch');
    refusedAs(s, await attempt(s, `Bearer ${signedByIssuer({})}`, factBody('stigmem://org-b.example/agent/writer', 'stigmem://org-b.example/user/alice')), [403]);
  });

  it('oversized_token: over 16 KiB reaches the node (not Node\'s header limit) and is a 401', async () => {
    const s = byShape('oversized_token');
    const big = signedByIssuer({ object: `stigmem://facts/${'x'.repeat(17 * 1024)}` });
    const x = await attempt(s, `Bearer ${big}`);
    refusedAs(s, x, [401]);
    expect(x.json).toMatchObject({ code: 'token_too_large' });
  });
});
