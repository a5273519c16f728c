// A peer's pull loop lives as long as the peer, and so does its abort signal: requests made under it must leave
// nothing attached to it once they are done, or a node pulling every few seconds for months gathers them without end.
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { pinnedPeer } from '../../helpers/localServer.js';
import { referenceFact, startFakePeer, type FakePeer } from '../../helpers/fakePeer.js';
import { peerRequest } from '../../../src/main/node/federation/http.js';
import { pullCycle } from '../../../src/main/node/federation/pull.js';

/** The signals AbortSignal.any made from `s` that it still holds (Node keeps them under an internal symbol). */
function dependants(s: AbortSignal): number {
  const sym = Object.getOwnPropertySymbols(s).find((x) => x.description === 'kDependantSignals');
  return sym ? ((s as unknown as Record<symbol, Set<unknown> | undefined>)[sym]?.size ?? 0) : 0;
}

let peer: FakePeer;
let node: TestNode;
beforeAll(async () => {
  peer = await startFakePeer();
  const now = Date.now();
  peer.facts.push(...Array.from({ length: 3 }, (_, i) => referenceFact({ id: `00000000-0000-4000-8000-00000000020${i}`, entity: `stigmem://org-p.example/e/${i}`, source: 'stigmem://org-p.example/agent/a', hlc: `${now - 1000 + i}.0` })));
  node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' });
  pinnedPeer(node.deps.db, peer.url, peer.signer.publicKey);
});
afterAll(async () => {
  await node?.close();
  await peer?.close();
});

describe("a peer loop's signal", () => {
  it('holds nothing after many pull cycles', async () => {
    const loop = new AbortController();
    for (let i = 0; i < 60; i++) await pullCycle(node.deps, 'p1', loop.signal);
    expect(node.deps.db.raw.prepare("SELECT COUNT(*) FROM facts WHERE received_from IS NOT NULL").pluck().get()).toBe(3);
    expect(peer.pageCursors.length).toBeGreaterThanOrEqual(60);
    expect([dependants(loop.signal), getEventListeners(loop.signal, 'abort').length]).toEqual([0, 0]);
  });

  it('holds nothing after requests that answered, failed or timed out', async () => {
    const loop = new AbortController();
    for (let i = 0; i < 20; i++) {
      await peerRequest(`${peer.url}/.well-known/stigmem`, { signal: loop.signal });
      await peerRequest(`${peer.url}/nowhere`, { signal: loop.signal });
      await peerRequest('http://127.0.0.1:9/', { signal: loop.signal }).catch(() => undefined);
    }
    peer.hang = true;
    await expect(peerRequest(`${peer.url}/v1/federation/facts`, { signal: loop.signal, timeoutMs: 50 })).rejects.toMatchObject({ kind: 'timeout' });
    peer.hang = false;
    expect([dependants(loop.signal), getEventListeners(loop.signal, 'abort').length]).toEqual([0, 0]);
  });

  it('still aborts a request in flight', async () => {
    const loop = new AbortController();
    peer.hang = true;
    const pending = peerRequest(`${peer.url}/v1/federation/facts`, { signal: loop.signal, timeoutMs: 10_000 });
    setTimeout(() => loop.abort(), 20);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    peer.hang = false;
  });
});
