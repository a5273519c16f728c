// Refused peer tokens and push capability tokens are audited at most once a minute per reason and caller: a caller
// that varies the issuer it claims (free for anyone without credentials) cannot write an audit row per request.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { mintPeerToken } from '../../../src/main/node/federation/peerToken.js';
import { testClock } from '../manifests/fixtures.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const stranger = signerFromSeed(generateSeed(), 'stranger');
const rows = (n: TestNode, type: string) =>
  n.deps.db.raw.prepare('SELECT actor, detail FROM audit_events WHERE event_type = ? ORDER BY seq').all(type) as { actor: string | null; detail: string }[];

async function pull(n: TestNode, iss: string, remoteAddress = '127.0.0.1'): Promise<number> {
  const token = mintPeerToken(stranger, { iss, sub: n.deps.nodeId, scopes: ['public'] }, n.deps.clock.nowMs());
  return (await n.app.inject({ method: 'GET', url: '/v1/federation/facts', headers: { authorization: `Bearer ${token}` }, remoteAddress })).statusCode;
}

const unknownIssuerToken = (i: number): string => JSON.stringify({
  token_version: 1, token_id: randomUUID(), issuer: `stigmem://stranger-${i}.example`, subject: 'stigmem://stranger.example/agent/a', verb: 'write',
  object: 'stigmem://facts', issued_at: '2026-06-01T00:00:00Z', expiry: '2026-06-02T00:00:00Z', nonce: randomBytes(32).toString('hex'), signature: 'AAAA',
});

describe('audit of refused federation credentials', () => {
  it('writes one row a minute per address for tokens naming ever new unregistered issuers', async () => {
    const clock = testClock();
    node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' }, { clock });
    for (let i = 0; i < 50; i++) expect(await pull(node, `stigmem:node:${randomUUID()}`)).toBe(401);
    expect(rows(node, 'rejected_token')).toHaveLength(1);
    expect(rows(node, 'rejected_token')[0]!.actor).toBe('127.0.0.1');

    expect(await pull(node, 'stigmem:node:elsewhere', '10.1.2.3')).toBe(401);
    expect(rows(node, 'rejected_token').map((r) => r.actor)).toEqual(['127.0.0.1', '10.1.2.3']);
    // Every address of one IPv6 /64 is one caller.
    for (let i = 1; i <= 5; i++) expect(await pull(node, `stigmem:node:${randomUUID()}`, `2001:db8:aa:bb::${i}`)).toBe(401);
    expect(rows(node, 'rejected_token').map((r) => r.actor)).toEqual(['127.0.0.1', '10.1.2.3', '2001:db8:aa:bb::1']);

    clock.advance(60_000);
    for (let i = 0; i < 5; i++) expect(await pull(node, `stigmem:node:${randomUUID()}`)).toBe(401);
    expect(rows(node, 'rejected_token')).toHaveLength(4);
  });

  it('keeps a claimed issuer to 256 characters in the log', async () => {
    node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' }, { clock: testClock(Date.parse('2026-07-01T00:00:00Z')) });
    expect(await pull(node, `stigmem:node:${'x'.repeat(10_000)}`, '10.9.9.9')).toBe(401);
    const [row] = rows(node, 'rejected_token');
    expect((JSON.parse(row!.detail) as { iss: string }).iss).toHaveLength(256);
  });

  it('writes one row a minute per address for pushed capability tokens of ever new unknown issuers', async () => {
    const clock = testClock();
    node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PUSH_ENABLED: 'true' }, { clock });
    for (let i = 0; i < 50; i++) {
      const r = await node.req('POST', '/v1/federation/facts/push', { facts: [] }, false, { 'x-stigmem-capability': unknownIssuerToken(i) });
      expect([r.status, r.body.detail]).toEqual([401, 'capability token invalid: unknown_issuer']);
    }
    expect(rows(node, 'capability_rejected')).toHaveLength(1);
    clock.advance(60_000);
    await node.req('POST', '/v1/federation/facts/push', { facts: [] }, false, { 'x-stigmem-capability': unknownIssuerToken(99) });
    expect(rows(node, 'capability_rejected').map((r) => r.actor)).toEqual(['127.0.0.1', '127.0.0.1']);
  });
});
