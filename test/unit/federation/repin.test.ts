// PATCH of a peer: a URL now answered by another node under another key leaves the peer refused and still the node it
// was; the right key at the new URL makes it active again.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { canonicalAsciiBytes } from '../../../src/main/node/json/canonical.js';
import { closeLocal, listenLocal } from '../../helpers/localServer.js';
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

describe('a peer whose document names another node id than its signed declaration', () => {
  it('is not taken for that node: its key is refused as not matching', async () => {
    node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' });
    const key = signerFromSeed(generateSeed(), 'impostor');
    let url = '';
    const server = http.createServer((_req, res) => {
      const declaration = { node_id: 'stigmem:node:impostor', node_url: url, federation_pubkey: key.publicKey, allowed_scopes: ['public'], signed_at: '2026-11-24T00:00:00+00:00' };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ node_id: 'stigmem:node:someone-else', federation_pubkey: key.publicKey, federation: 'enabled', declaration, declaration_sig: key.signB64(canonicalAsciiBytes(declaration)) }));
    });
    url = (await listenLocal(server)).url;
    try {
      const reg = await node.req('POST', '/v1/federation/peers', { peer_url: url, trusted_public_key: key.publicKey });
      expect(reg.body).toMatchObject({ status: 'key_mismatch', error: 'signature_mismatch' });
    } finally {
      await closeLocal(server);
    }
  });
});
