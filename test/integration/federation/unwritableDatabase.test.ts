// A pulling node whose disk fills, or whose database another process holds: the pull loop keeps running (the node
// never crashes, even when the outcome cannot be recorded), no fact is rejected or skipped (the cursor stays where it
// was), and once the database can be written again every fact arrives.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/main/node/db/sql.js';
import { PullScheduler } from '../../../src/main/node/federation/scheduler.js';
import { referenceFact, startFakePeer, type FakePeer } from '../../helpers/fakePeer.js';
import { waitFor } from '../../helpers/http.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { pinnedPeer } from '../../helpers/localServer.js';

const N = 120;
const M = 30;
let node: TestNode;
let peer: FakePeer;
let scheduler: PullScheduler | null = null;

beforeAll(async () => {
  peer = await startFakePeer({ entityUri: 'stigmem://org-p.example' });
  const start = Date.now() - 60_000;
  for (let i = 0; i < N; i++) {
    peer.facts.push(referenceFact({ id: `00000000-0000-4000-8002-${String(i).padStart(12, '0')}`, entity: `stigmem://org-p.example/e/${i}`, source: 'stigmem://org-p.example/agent/a', hlc: `${start + i}.0`, v: `v${i} `.padEnd(3000, '.') }));
  }
  node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '0.05', STIGMEM_TRUST_MODE: 'off' });
  pinnedPeer(node.deps.db, peer.url, peer.signer.publicKey);
});
afterAll(async () => {
  await scheduler?.stop();
  await node?.close();
  await peer?.close();
});

const received = (): number => node.deps.db.get<{ c: number }>(sql`SELECT COUNT(*) AS c FROM facts WHERE received_from IS NOT NULL`)!.c;
const peerRow = () => node.deps.db.get<{ cursor: string | null; error: string | null }>(sql`SELECT cursor, error FROM peers WHERE id = 'p1'`)!;
const pageRequests = (): number => peer.requests.filter((r) => r.startsWith('GET /v1/federation/facts')).length;

describe('a full disk on the pulling node', () => {
  it('keeps pulling without losing or rejecting a fact, and catches up once there is room', async () => {
    const raw = node.deps.db.raw;
    raw.exec('VACUUM');
    // The database may not grow past what it holds now: what a full disk does to it.
    raw.pragma(`max_page_count = ${raw.pragma('page_count', { simple: true }) as number}`);
    scheduler = new PullScheduler(node.deps);
    scheduler.start();
    // Several cycles fail and back off; the loop (and this process) lives on.
    const before = pageRequests();
    await waitFor('three failed pulls', async () => pageRequests() - before >= 3 || undefined);
    expect([received(), peerRow().cursor]).toEqual([0, null]);
    expect(node.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'rejected_fact'`)).toEqual([]);
    expect((await node.req('GET', '/healthz')).status).toBe(200);

    raw.pragma('max_page_count = 4294967294');
    scheduler.kick('p1');
    await waitFor('every fact after the disk has room', async () => received() === N || undefined, 20_000);
    expect(peerRow().error).toBeNull();
    expect(node.deps.db.all(sql`SELECT 1 FROM audit_events WHERE event_type = 'rejected_fact'`)).toEqual([]);
  });
});

describe("a database held by another process", () => {
  it('keeps the loop alive while not even the outcome can be written, then takes the new facts', async () => {
    const start = Date.now() - 30_000;
    for (let i = 0; i < M; i++) {
      peer.facts.push(referenceFact({ id: `00000000-0000-4000-8003-${String(i).padStart(12, '0')}`, entity: `stigmem://org-p.example/later/${i}`, source: 'stigmem://org-p.example/agent/a', hlc: `${start + i}.0` }));
    }
    node.deps.db.raw.pragma('busy_timeout = 20');
    const other = new Database(node.deps.config.dbPath);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const before = pageRequests();
      scheduler!.kick('p1');
      await waitFor('three pulls refused by the held lock', async () => pageRequests() - before >= 3 || undefined);
      expect(received()).toBe(N);
      other.prepare('COMMIT').run();
    } finally {
      other.close();
    }
    node.deps.db.raw.pragma('busy_timeout = 5000');
    scheduler!.kick('p1');
    await waitFor('the facts served meanwhile', async () => received() === N + M || undefined, 20_000);
  });
});
