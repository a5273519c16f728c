// An unreachable peer that comes back serving another key than the one pinned is marked key_mismatch when it is
// verified again, and that mismatch is audited when it starts: once, not again while it lasts, nor when its discovery
// matches the pin again while its pages are still signed by the other key.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { insertPeer } from '../../../src/main/node/federation/peers/repo.js';
import { PullScheduler } from '../../../src/main/node/federation/scheduler.js';
import { waitFor } from '../../helpers/http.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { closeLocal, listenLocal } from '../../helpers/localServer.js';

const pinned = signerFromSeed(generateSeed(), 'pinned');
const other = signerFromSeed(generateSeed(), 'other');
let served = other;
let discoveryRequests = 0;
let server: http.Server;
let node: TestNode;
let scheduler: PullScheduler;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/.well-known/stigmem')) {
      discoveryRequests++;
      return void res.end(JSON.stringify({ node_id: 'stigmem:node:p', federation_pubkey: served.publicKey, federation: 'enabled' }));
    }
    if (!req.url?.startsWith('/v1/federation/facts')) return void res.writeHead(404).end('{}');
    const body = Buffer.from('{"facts":[],"cursor":null,"has_more":false}');
    res.setHeader('stigmem-signature', other.signB64(body));
    res.end(body);
  });
  const { url } = await listenLocal(server);
  node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '0.05' });
  insertPeer(node.deps.db, { id: 'p1', nodeId: 'stigmem:node:p', nodeUrl: url, entityUri: 'stigmem://org-p.example', trustedPublicKey: pinned.publicKey, status: 'unreachable',
    registration: 'pinned', allowedScopes: ['public'], declaration: null, createdAt: 't', establishedAt: 't', error: 'unreachable: cannot reach it' });
  scheduler = new PullScheduler(node.deps);
  scheduler.start();
});
afterAll(async () => {
  await scheduler?.stop();
  await node?.close();
  await closeLocal(server);
});

const mismatches = (): { detail: string }[] => node.deps.db.all<{ detail: string }>(sql`SELECT detail FROM audit_events WHERE event_type = 'signature_mismatch'`);
const peer = () => node.deps.db.get<{ status: string; error: string | null }>(sql`SELECT status, error FROM peers WHERE id = 'p1'`)!;

async function verifications(n: number): Promise<void> {
  const until = discoveryRequests + n;
  while (discoveryRequests < until) {
    const seen = discoveryRequests;
    scheduler.kick('p1');
    await waitFor('a discovery request', async () => discoveryRequests > seen || undefined);
  }
}

describe('an unreachable peer back under another key', () => {
  it('is audited as signature_mismatch once, when the mismatch starts', async () => {
    await waitFor('the key mismatch', async () => peer().status === 'key_mismatch' || undefined);
    expect(peer().error).toBe('signature_mismatch');
    const [first] = mismatches();
    expect(JSON.parse(first!.detail)).toMatchObject({ node_id: 'stigmem:node:p', pinned_key: pinned.publicKey, presented_key: other.publicKey });
    // Its discovery matches the pin again, but its pages are still signed by the other key: the same mismatch.
    served = pinned;
    await verifications(4);
    expect(mismatches()).toHaveLength(1);
  });
});
