// POST /v1/federation/facts/push: off unless STIGMEM_FEDERATION_PUSH_ENABLED; a registered peer's JWT; per-fact checks.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { insertPeer } from '../../../src/main/node/federation/peers/repo.js';
import { mintPeerToken } from '../../../src/main/node/federation/peerToken.js';
import { referenceFact } from '../../helpers/fakePeer.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { issue, ORG_A, orgNode, testClock } from '../tokens/helpers.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const peer = signerFromSeed(generateSeed(), 't');
const PEER_NODE = 'stigmem:node:pusher';

async function nodeWithPeer(env: Record<string, string>): Promise<TestNode> {
  const n = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true', ...env });
  insertPeer(n.deps.db, { id: 'p1', nodeId: PEER_NODE, nodeUrl: 'http://127.0.0.1:9', entityUri: 'stigmem://org-p.example', trustedPublicKey: peer.publicKey, status: 'active', registration: 'pinned', allowedScopes: ['public'], declaration: null, createdAt: 't', establishedAt: 't', error: null });
  return n;
}
const token = (n: TestNode) => mintPeerToken(peer, { iss: PEER_NODE, sub: n.deps.nodeId, scopes: ['public'] }, Date.now());

describe('push replication', () => {
  it('is refused with 405 when the node has not enabled it', async () => {
    node = await nodeWithPeer({});
    const r = await node.req('POST', '/v1/federation/facts/push', { facts: [] }, token(node));
    expect(r.status).toBe(405);
    expect(r.body.detail).toBe('push replication not enabled on this node');
  });

  it('accepts a registered peer\'s facts and rejects, one by one, what the peer may not send', async () => {
    node = await nodeWithPeer({ STIGMEM_FEDERATION_PUSH_ENABLED: 'true' });
    const now = Date.now();
    const facts = [
      referenceFact({ id: '00000000-0000-4000-8000-000000000101', entity: 'stigmem://org-p.example/e/1', source: 'stigmem://org-p.example/agent/a', hlc: `${now - 100}.0` }),
      referenceFact({ id: '00000000-0000-4000-8000-000000000102', entity: 'stigmem://org-p.example/e/2', source: 'stigmem://org-p.example/agent/a', hlc: `${now - 90}.0`, scope: 'company' }),
      referenceFact({ id: '00000000-0000-4000-8000-000000000103', entity: 'stigmem://org-p.example/e/3', source: 'stigmem://elsewhere.example/agent/a', hlc: `${now - 80}.0` }),
      { ...referenceFact({ id: '00000000-0000-4000-8000-000000000104', entity: 'stigmem://org-p.example/e/4', source: 'stigmem://org-p.example/agent/a', hlc: `${now - 70}.0` }), cid: 'sha256:' + '0'.repeat(64) },
    ];
    const r = await node.req('POST', '/v1/federation/facts/push', { facts }, token(node));
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(1);
    expect(r.body.errors.map((e: { error: string }) => e.error).sort()).toEqual(['cid_mismatch', 'scope_not_permitted', 'source_not_owned']);
    const stored = await node.req('GET', '/v1/facts/00000000-0000-4000-8000-000000000101');
    expect(stored.status).toBe(200);
    expect(stored.body.received_from).toBe(PEER_NODE);
  });

  it('refuses an API key, a stranger\'s JWT and a replayed JWT', async () => {
    node = await nodeWithPeer({ STIGMEM_FEDERATION_PUSH_ENABLED: 'true' });
    expect((await node.req('POST', '/v1/federation/facts/push', { facts: [] })).status).toBe(401);
    const stranger = mintPeerToken(signerFromSeed(generateSeed(), 't'), { iss: PEER_NODE, sub: node.deps.nodeId, scopes: ['public'] }, Date.now());
    expect((await node.req('POST', '/v1/federation/facts/push', { facts: [] }, stranger)).status).toBe(401);
    const t = token(node);
    expect((await node.req('POST', '/v1/federation/facts/push', { facts: [] }, t)).status).toBe(202);
    expect((await node.req('POST', '/v1/federation/facts/push', { facts: [] }, t)).status).toBe(401);
  });

  it('accepts a token whose exp is fractional or past any date once, and refuses its replay', async () => {
    node = await nodeWithPeer({ STIGMEM_FEDERATION_PUSH_ENABLED: 'true' });
    for (const exp of [Date.now() + 3_600_000.5, 2 ** 63, 1e308]) {
      const t = tokenWith(node, { exp });
      const first = await node.req('POST', '/v1/federation/facts/push', { facts: [] }, t);
      expect(first.status, `exp ${exp}`).toBe(202);
      const replay = await node.req('POST', '/v1/federation/facts/push', { facts: [] }, t);
      expect(replay.status).toBe(401);
      expect(replay.body.detail).toBe('nonce_already_seen');
    }
    // Each nonce is kept while its token could still be accepted: no longer than its iat's 24 hours, in whole ms.
    const kept = node.deps.db.all<{ expires_at_ms: number }>(sql`SELECT expires_at_ms FROM peer_nonces`);
    expect(kept).toHaveLength(3);
    for (const k of kept) {
      expect(Number.isInteger(k.expires_at_ms)).toBe(true);
      expect(k.expires_at_ms).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000 + 1);
    }
  });

  it('rejects, one by one, facts whose timestamp is not a date-time', async () => {
    node = await nodeWithPeer({ STIGMEM_FEDERATION_PUSH_ENABLED: 'true' });
    const now = Date.now();
    const fact = (n: number, timestamp: string) => ({ ...referenceFact({ id: `00000000-0000-4000-8000-00000000020${n}`, entity: `stigmem://org-p.example/t/${n}`, source: 'stigmem://org-p.example/agent/a', hlc: `${now - 100 + n}.0` }), timestamp });
    const facts = [fact(1, 'now'), fact(2, 'a\u0000b'), fact(3, '2026-02-30T00:00:00+00:00'), fact(4, '2026-11-23T10:00:00Z'), fact(5, '2026-11-23T10:00:00.123456+02:00')];
    const r = await node.req('POST', '/v1/federation/facts/push', { facts }, token(node));
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(2);
    expect(r.body.errors.map((e: { fact_id: string; error: string }) => [e.fact_id.slice(-1), e.error])).toEqual([['1', 'malformed'], ['2', 'malformed'], ['3', 'malformed']]);
    const kept = await node.req('GET', '/v1/facts/00000000-0000-4000-8000-000000000205');
    expect(kept.body.timestamp).toBe('2026-11-23T10:00:00.123456+02:00');
  });
});

/** A peer token with chosen claims, signed by the registered peer's key. */
function tokenWith(n: TestNode, over: Record<string, unknown>): string {
  const now = Date.now();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64({ iss: PEER_NODE, sub: n.deps.nodeId, iat: now, exp: now + 60_000, nonce: randomUUID(), scopes: ['public'], ...over })}`;
  return `${input}.${peer.signB64(Buffer.from(input, 'ascii'))}`;
}

describe('push under a capability token (X-Stigmem-Capability)', () => {
  const BOT = 'stigmem://org-b.example/agent/bot';
  let n = 0;
  const fact = (over: { source?: string; scope?: string } = {}) =>
    referenceFact({ id: `00000000-0000-4000-8002-${String(++n).padStart(12, '0')}`, entity: `stigmem://org-a.example/e/${n}`, source: over.source ?? BOT, hlc: `${Date.now() - 1000 + n}.0`, scope: over.scope });

  async function orgWithToken(verb: string, object: string) {
    const a = await orgNode(ORG_A, 1, { env: { STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PUSH_ENABLED: 'true' }, clock: testClock(Date.now()) });
    const token = await issue(a, { issuer: ORG_A, subject: BOT, verb, object, ttl_seconds: 3600 });
    return { a, header: { 'x-stigmem-capability': token.token_json }, token };
  }

  it('ingests the subject\'s own facts in the scopes its object names, one refusal per fact otherwise', async () => {
    const { a, header, token } = await orgWithToken('write', 'stigmem://facts/scope:public');
    node = a;
    const facts = [fact(), fact({ source: 'stigmem://org-b.example/agent/other' }), fact({ scope: 'company' }), fact({ scope: 'local' })];
    const r = await a.req('POST', '/v1/federation/facts/push', { facts }, false, header);
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(1);
    expect(r.body.errors.map((e: { error: string }) => e.error)).toEqual(['source_not_owned', 'insufficient_capability', 'scope_not_permitted']);
    const stored = await a.req('GET', `/v1/facts/${facts[0]!['id'] as string}`);
    expect(stored.body).toMatchObject({ received_from: BOT, origin_node_id: BOT, source: BOT });
    const audit = a.deps.db.all<{ event_type: string; subject: string }>(sql`SELECT event_type, subject FROM audit_events WHERE event_type LIKE 'capability_%' ORDER BY seq`);
    expect(audit.map((x) => x.event_type)).toEqual(['capability_issued', 'capability_verified']);
    expect(audit[1]!.subject).toBe(token.token_id);
  });

  it('covers every crossing scope with stigmem://facts, and uses the token when a JWT beside it fails', async () => {
    const { a, header } = await orgWithToken('write', 'stigmem://facts');
    node = a;
    const r = await a.req('POST', '/v1/federation/facts/push', { facts: [fact(), fact({ scope: 'company' }), fact({ scope: 'team' })] }, 'not-a-jwt', header);
    expect(r.status).toBe(202);
    expect([r.body.accepted, r.body.errors.map((e: { error: string }) => e.error)]).toEqual([2, ['scope_not_permitted']]);
    expect(a.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'rejected_token'`)).toEqual([]);
  });

  it('refuses no credentials, a forged or read-only token, and audits a refused token once a minute', async () => {
    const { a, token } = await orgWithToken('read', 'stigmem://facts');
    node = a;
    const none = await a.req('POST', '/v1/federation/facts/push', { facts: [] }, false);
    expect([none.status, none.body.detail]).toEqual([401, 'peer token or X-Stigmem-Capability header required']);
    const readOnly = await a.req('POST', '/v1/federation/facts/push', { facts: [fact()] }, false, { 'x-stigmem-capability': token.token_json });
    expect([readOnly.status, readOnly.body.detail]).toEqual([403, "insufficient_capability: token verb must be 'write' for push"]);
    const forged = token.token_json.replace('"verb":"read"', '"verb":"write"');
    for (let i = 0; i < 3; i++) {
      const r = await a.req('POST', '/v1/federation/facts/push', { facts: [fact()] }, false, { 'x-stigmem-capability': forged });
      expect([r.status, r.body.detail]).toEqual([401, 'capability token invalid: bad_signature']);
    }
    for (const junk of ['', 'not json', '{"token_version":1}', 'x'.repeat(17 * 1024)]) {
      const r = await a.req('POST', '/v1/federation/facts/push', { facts: [] }, false, { 'x-stigmem-capability': junk });
      expect(r.status).toBe(401);
      expect(typeof r.body.detail).toBe('string');
    }
    expect(a.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'capability_rejected' AND detail LIKE '%bad_signature%'`)).toHaveLength(1);
    expect(a.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM facts WHERE received_from IS NOT NULL`)!.n).toBe(0);
  });
});
