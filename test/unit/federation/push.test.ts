// POST /v1/federation/facts/push: off unless STIGMEM_FEDERATION_PUSH_ENABLED; a registered peer's JWT; per-fact checks.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { insertPeer } from '../../../src/main/node/federation/peers/repo.js';
import { mintPeerToken } from '../../../src/main/node/federation/peerToken.js';
import { referenceFact } from '../../helpers/fakePeer.js';

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
});
