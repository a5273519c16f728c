// PATCH of a peer: a URL now answered by another node under another key leaves the peer refused and still the node it
// was; the right key at the new URL makes it active again.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePeer, type FakePeer } from '../../helpers/fakePeer.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

let node: TestNode | undefined;
const peers: FakePeer[] = [];
afterEach(async () => {
  await node?.close();
  node = undefined;
  for (const p of peers.splice(0)) await p.close();
});

describe('changing a peer\'s URL', () => {
  it('keeps the node it registered when another node answers there, and moves once the same node does', async () => {
    node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' });
    const [first, other, moved] = [await startFakePeer(), await startFakePeer(), await startFakePeer()];
    peers.push(first, other, moved);
    moved.nodeId = first.nodeId;
    moved.signer = first.signer;
    const reg = await node.req('POST', '/v1/federation/peers', { peer_url: first.url, trusted_public_key: first.signer.publicKey });
    expect(reg.body).toMatchObject({ status: 'active', node_id: first.nodeId });
    const elsewhere = await node.req('PATCH', `/v1/federation/peers/${reg.body.id}`, { peer_url: other.url });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toMatchObject({ status: 'key_mismatch', error: 'signature_mismatch', node_id: first.nodeId, peer_url: other.url });
    const back = await node.req('PATCH', `/v1/federation/peers/${reg.body.id}`, { peer_url: moved.url });
    expect(back.body).toMatchObject({ status: 'active', error: null, node_id: first.nodeId, peer_url: moved.url });
  });
});
