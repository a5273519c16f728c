// A peer whose discovery document keeps matching the pin while its pages' signatures do not is verified again and
// refused again every cycle: the mismatch is audited when it starts (the peer's error says it while it lasts), not
// once a cycle for as long as the peer runs.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { PullScheduler } from '../../../src/main/node/federation/scheduler.js';
import { waitFor } from '../../helpers/http.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { closeLocal, listenLocal, pinnedPeer } from '../../helpers/localServer.js';

const pinned = signerFromSeed(generateSeed(), 'pinned');
const other = signerFromSeed(generateSeed(), 'other');
let signWith = other;
let pageRequests = 0;
let server: http.Server;
let url = '';
let node: TestNode;
let scheduler: PullScheduler;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/.well-known/stigmem')) return void res.end(JSON.stringify({ node_id: 'stigmem:node:p', federation_pubkey: pinned.publicKey, federation: 'enabled' }));
    if (!req.url?.startsWith('/v1/federation/facts')) return void res.writeHead(404).end('{}');
    pageRequests++;
    const body = Buffer.from('{"facts":[],"cursor":null,"has_more":false}');
    res.setHeader('stigmem-signature', signWith.signB64(body));
    res.end(body);
  });
  url = (await listenLocal(server)).url;
  node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '0.05' });
  pinnedPeer(node.deps.db, url, pinned.publicKey);
  scheduler = new PullScheduler(node.deps);
  scheduler.start();
});
afterAll(async () => {
  await scheduler?.stop();
  await node?.close();
  await closeLocal(server);
});

const mismatches = (): number => node.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM audit_events WHERE event_type = 'signature_mismatch'`)!.n;

async function cycles(n: number): Promise<void> {
  const until = pageRequests + n;
  while (pageRequests < until) {
    const seen = pageRequests;
    scheduler.kick('p1');
    await waitFor('a page request', async () => pageRequests > seen || undefined);
  }
}

describe('a peer whose pages keep failing their signature', () => {
  it('is audited once while it lasts, and again after it has recovered and fails anew', async () => {
    await cycles(8);
    expect(mismatches()).toBe(1);
    signWith = pinned;
    await cycles(1);
    await waitFor('a good pull', async () => node.deps.db.get<{ error: string | null; status: string }>(sql`SELECT error, status FROM peers WHERE id = 'p1'`)!.error === null || undefined);
    signWith = other;
    await cycles(4);
    expect(mismatches()).toBe(2);
  });
});
