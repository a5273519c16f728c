// Changes to one peer that overlap: a PATCH still verifying when a DELETE or another PATCH lands, and the pull loop's
// own verdicts reached on a row the operator changed meanwhile. Each ends as one of the serial orders, or the loser is
// answered with a 4xx and a detail; a removed peer never comes back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { peerById } from '../../../src/main/node/federation/peers/repo.js';
import { referenceFact } from '../../helpers/fakePeer.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { startScriptedPeer, type ScriptedPeer } from '../../helpers/scriptedPeer.js';

let node: TestNode | undefined;
let peer: ScriptedPeer | undefined;
afterEach(async () => {
  await node?.close();
  await peer?.close();
  node = undefined;
  peer = undefined;
});

async function setUp(): Promise<{ node: TestNode; peer: ScriptedPeer }> {
  node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' });
  peer = await startScriptedPeer();
  return { node, peer };
}

async function register(n: TestNode, p: ScriptedPeer): Promise<string> {
  const reg = await n.req('POST', '/v1/federation/peers', { peer_url: p.url, trusted_public_key: p.signer.publicKey });
  expect(reg.status).toBe(201);
  return reg.body.id as string;
}

const auditedTypes = async (n: TestNode, type: string): Promise<unknown[]> => (await n.req('GET', `/v1/federation/audit?event_type=${type}`)).body.entries as unknown[];

describe('a PATCH still verifying the peer when it is removed', () => {
  it('leaves the peer removed and answers the PATCH 404 with a detail', async () => {
    const { node, peer } = await setUp();
    const id = await register(node, peer);
    const held = peer.holdNext('discovery');
    const patch = node.req('PATCH', `/v1/federation/peers/${id}`, { allowed_scopes: ['public', 'company'] });
    await held.arrived;
    expect((await node.req('DELETE', `/v1/federation/peers/${id}`)).status).toBe(204);
    held.release();
    const answer = await patch;
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ detail: expect.stringContaining('removed'), code: 'not_found' });
    expect(peerById(node.deps.db, id)).toMatchObject({ status: 'removed', allowed_scopes: '["public"]' });
    expect((await node.req('GET', `/v1/federation/peers/${id}`)).status).toBe(404);
    expect(await auditedTypes(node, 'peer_repinned')).toEqual([]);
  });
});

describe('two PATCHes of one peer at once', () => {
  it('answers the one overtaken while it verified 409 with a detail, and keeps the other\'s change', async () => {
    const { node, peer } = await setUp();
    const id = await register(node, peer);
    const held = peer.holdNext('discovery');
    const scopes = node.req('PATCH', `/v1/federation/peers/${id}`, { allowed_scopes: ['public', 'company'] });
    await held.arrived;
    // While the first waits for the peer, a re-pin to another key is verified and stored.
    const other = signerFromSeed(generateSeed(), 'other');
    const repin = await node.req('PATCH', `/v1/federation/peers/${id}`, { trusted_public_key: other.publicKey });
    expect(repin.body).toMatchObject({ status: 'key_mismatch', trusted_public_key: other.publicKey });
    held.release();
    const answer = await scopes;
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ detail: expect.stringContaining('changed'), code: 'peer_changed' });
    expect(peerById(node.deps.db, id)).toMatchObject({ status: 'key_mismatch', trusted_public_key: other.publicKey, allowed_scopes: '["public"]' });
  });
});

describe('the pull loop meanwhile', () => {
  it('does not bring back an unreachable peer the operator replaced while it was checking it again', async () => {
    const { node, peer } = await setUp();
    peer.failNextDiscovery();
    // Registration's request fails; the loop's first check of it again is held.
    const check = peer.holdNext('discovery');
    const first = await register(node, peer);
    expect(peerById(node.deps.db, first)).toMatchObject({ status: 'unreachable' });
    await check.arrived;
    const second = await register(node, peer);
    expect(peerById(node.deps.db, first)).toMatchObject({ status: 'removed' });
    check.release();
    await check.sent;
    await vi.waitFor(() => expect(peer.pageRequests).toBeGreaterThan(0));
    // Whatever the first loop concluded from that answer, its peer stays removed.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 10));
      expect(peerById(node.deps.db, first)?.status).toBe('removed');
    }
    expect((await node.req('GET', '/v1/federation/peers')).body.peers.map((p: { id: string }) => p.id)).toEqual([second]);
  });

  it('does not mark a peer mismatched for a page signed by the key the operator re-pinned to while it was in flight', async () => {
    const { node, peer } = await setUp();
    peer.facts.push(referenceFact({ id: '00000000-0000-4000-8000-000000000001', entity: 'stigmem://org-p.example/e/1', source: 'stigmem://org-p.example/agent/a', hlc: `${Date.now() - 1000}.1` }));
    const page = peer.holdNext('page');
    const id = await register(node, peer);
    await page.arrived;
    // The peer rotates its key; the page now on its way is signed with the new one, which the operator pins at once.
    const rotated = peer.rotate();
    const repin = await node.req('PATCH', `/v1/federation/peers/${id}`, { trusted_public_key: rotated.publicKey });
    expect(repin.body).toMatchObject({ status: 'active' });
    page.release();
    await vi.waitFor(() => expect(peerById(node.deps.db, id)).toMatchObject({ facts_received: 1, status: 'active', error: null }));
    expect(await auditedTypes(node, 'signature_mismatch')).toEqual([]);
    expect(await auditedTypes(node, 'pull_failed')).toEqual([]);
  });
});

describe('a re-pin to a wrong key while a page is in flight', () => {
  it('leaves the peer saying signature_mismatch, not a success of the page it dropped', async () => {
    const { node, peer } = await setUp();
    const page = peer.holdNext('page');
    const id = await register(node, peer);
    await page.arrived;
    const wrong = signerFromSeed(generateSeed(), 'wrong');
    const repin = await node.req('PATCH', `/v1/federation/peers/${id}`, { trusted_public_key: wrong.publicKey });
    expect(repin.body).toMatchObject({ status: 'key_mismatch', error: 'signature_mismatch' });
    // The loop, asked by the re-pin to pull again, checks the peer's key once it is done with that page.
    const asked = peer.discoveryRequests;
    page.release();
    await vi.waitFor(() => expect(peer.discoveryRequests).toBeGreaterThan(asked));
    expect(peerById(node.deps.db, id)).toMatchObject({ status: 'key_mismatch', error: 'signature_mismatch', last_success_at: null, facts_received: 0 });
  });
});
