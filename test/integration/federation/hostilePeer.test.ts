// A hostile or broken peer, read through the page worker: every bad answer ends the cycle with a clear error on the
// peer record (never a crash, never a half-stored page), and bad facts in a good page are refused one by one.
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/process.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { closeLocal, listenLocal, pinnedPeer } from '../../helpers/localServer.js';
import { referenceFact } from '../../helpers/fakePeer.js';
import { encodeJson } from '../../../src/main/node/json/pyjson.js';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { builtPageWorker } from '../../../src/main/node/federation/pageFetcher.js';
import { MAX_PAGE_BYTES } from '../../../src/main/node/federation/http.js';
import { pullCycle, PullFailure } from '../../../src/main/node/federation/pull.js';

const WORKER = builtPageWorker(join(REPO_ROOT, 'out/cli'));
const key = signerFromSeed(generateSeed(), 'test');
type Answer = { status: number; body: string | Buffer; headers?: Record<string, string>; sign?: boolean };
let answer: Answer = { status: 200, body: '' };
let server: http.Server;
let base = '';

beforeAll(async () => {
  if (!WORKER) throw new Error('out/cli/pageWorker.js is missing: build it with node scripts/build-cli.mjs (npm test does)');
  server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/v1/federation/facts')) return void res.writeHead(404).end();
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.sign !== false ? { 'stigmem-signature': key.signB64(body) } : {}), ...answer.headers });
    res.end(body);
  });
  base = (await listenLocal(server)).url;
});
afterAll(() => closeLocal(server));

async function pullOnce(a: Answer): Promise<{ outcome: unknown; node: TestNode }> {
  answer = a;
  const node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' }, { pageWorkerFile: WORKER });
  pinnedPeer(node.deps.db, base, key.publicKey);
  const outcome = await pullCycle(node.deps, 'p1', new AbortController().signal).catch((e: unknown) => e);
  return { outcome, node };
}

const stored = (node: TestNode) => node.deps.db.raw.prepare('SELECT COUNT(*) FROM facts WHERE received_from IS NOT NULL').pluck().get();
const cursor = (node: TestNode) => node.deps.db.raw.prepare("SELECT cursor FROM peers WHERE id = 'p1'").pluck().get();

describe('a hostile peer, through the page worker', () => {
  it.each<[string, Answer, RegExp]>([
    ['a body that is not JSON', { status: 200, body: 'facts: none' }, /^peer_sent_malformed_page$/],
    ['JSON without a facts list', { status: 200, body: '{"facts":{"a":1},"cursor":"1","has_more":true}' }, /^peer_sent_malformed_page$/],
    ['JSON nested 200,000 deep', { status: 200, body: '['.repeat(200_000) }, /^peer_sent_malformed_page$/],
    ['invalid UTF-8', { status: 200, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }, /^peer_sent_malformed_page$/],
    ['a page over the size limit', { status: 200, body: Buffer.alloc(MAX_PAGE_BYTES + 1, 0x20), sign: false }, /^unreachable: response (of \d+ bytes )?exceeds 33554432( bytes)?$/],
    ['a redirect', { status: 302, body: '', headers: { location: 'http://127.0.0.1:9/' } }, /^unreachable: peer answered with a redirect \(302\); redirects are not followed$/],
    ['a server error with a detail', { status: 500, body: '{"detail":"database is on fire"}' }, /^peer_answered_500: database is on fire$/],
    ['a server error whose detail is not text', { status: 500, body: '{"detail":{"x":1}}' }, /^peer_answered_500$/],
    ['rate limiting', { status: 429, body: '{"detail":"slow down"}', headers: { 'retry-after': '9' } }, /^rate_limited_by_peer$/],
    ['more facts than the page was asked for', { status: 200, body: JSON.stringify({ facts: Array.from({ length: 501 }, () => ({})), cursor: '1', has_more: false }) }, /^peer_sent_malformed_page$/],
  ])('%s ends the cycle with a clear error and stores nothing', async (_what, a, error) => {
    const { outcome, node } = await pullOnce(a);
    try {
      expect(outcome).toBeInstanceOf(PullFailure);
      expect((outcome as PullFailure).error).toMatch(error);
      if (a.status === 429) expect((outcome as PullFailure).retryAfterMs).toBe(9_000);
      expect([stored(node), cursor(node)]).toEqual([0, null]);
      const health = await node.req('GET', '/healthz');
      expect(health.status).toBe(200);
    } finally {
      await node.close();
    }
  });

  it('refuses an unsigned page from a peer that has signed its pages, storing nothing of it', async () => {
    const now = Date.now();
    const src = 'stigmem://org-p.example/agent/a';
    const page = (id: string, n: number) => encodeJson({ facts: [referenceFact({ id, entity: `stigmem://org-p.example/e/${n}`, source: src, hlc: `${now}.${n}` })], cursor: `${now}.${n}`, has_more: false });
    const { outcome, node } = await pullOnce({ status: 200, body: page('s-signed', 1) });
    try {
      expect(outcome).toMatchObject({ received: 1 });
      const signsPages = () => node.deps.db.raw.prepare("SELECT signs_pages FROM peers WHERE id = 'p1'").pluck().get();
      expect(signsPages()).toBe(1);
      // The same peer's page with its signature stripped (and a fact slipped in) is refused, whatever discovery says.
      answer = { status: 200, body: page('s-forged', 2), sign: false };
      for (let i = 0; i < 2; i++) {
        const stripped = await pullCycle(node.deps, 'p1', new AbortController().signal).catch((e: unknown) => e);
        expect(stripped).toBeInstanceOf(PullFailure);
        expect((stripped as PullFailure).error).toBe('signature_missing');
        node.deps.db.raw.prepare("UPDATE peers SET error = 'signature_missing' WHERE id = 'p1'").run(); // as the scheduler records it
      }
      expect([stored(node), cursor(node)]).toEqual([1, `${now}.1`]);
      const events = node.deps.db.raw.prepare("SELECT json_extract(detail, '$.reason') FROM audit_events WHERE event_type = 'signature_mismatch'").pluck().all();
      expect(events).toEqual(['signature_missing']); // audited when it starts, not on every cycle
    } finally {
      await node.close();
    }
  });

  it('refuses the bad facts of a good page one by one, stores the rest and moves the cursor', async () => {
    const now = Date.now();
    const src = 'stigmem://org-p.example/agent/a';
    const good = referenceFact({ id: 'h-good', entity: 'stigmem://org-p.example/e/1', source: src, hlc: `${now}.1` });
    const facts: unknown[] = [
      good,
      null,
      42,
      [],
      { ...referenceFact({ id: 'h-type', entity: 'stigmem://org-p.example/e/2', source: src, hlc: `${now}.2` }), confidence: '1' },
      { ...referenceFact({ id: 'h-value', entity: 'stigmem://org-p.example/e/3', source: src, hlc: `${now}.3` }), value: { type: 'string', v: 'x'.repeat(70_000) } },
      { ...referenceFact({ id: 'h-hlc', entity: 'stigmem://org-p.example/e/4', source: src, hlc: `${now}.4` }), hlc: 'yesterday' },
      { ...referenceFact({ id: 'h-ahead', entity: 'stigmem://org-p.example/e/5', source: src, hlc: `${now + 3_600_000}.0` }) },
      referenceFact({ id: 'h-local', entity: 'stigmem://org-p.example/e/6', source: src, hlc: `${now}.6`, scope: 'local' }),
    ];
    const { outcome, node } = await pullOnce({ status: 200, body: encodeJson({ facts, cursor: `${now}.9`, has_more: false }) });
    try {
      expect(outcome).toMatchObject({ received: 1, rejected: 8, pages: 1 });
      expect([stored(node), cursor(node)]).toEqual([1, `${now}.9`]);
      const reasons = node.deps.db.raw.prepare("SELECT json_extract(detail, '$.reason') FROM audit_events WHERE event_type = 'rejected_fact' ORDER BY seq").pluck().all();
      expect(reasons).toEqual(['malformed', 'malformed', 'malformed', 'malformed', 'value_too_large', 'malformed', 'hlc_skew', 'scope_not_permitted']);
    } finally {
      await node.close();
    }
  });
});
