// The page worker (the built out/cli/pageWorker.js): it reads pages exactly as the node's own thread does, gives up a
// request when told, and its failures reach the pull cycle as this node's error rather than hanging it.
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/process.js';
import { makeTestNode } from '../../helpers/inject.js';
import { closeLocal, listenLocal, pinnedPeer } from '../../helpers/localServer.js';
import { referenceFact } from '../../helpers/fakePeer.js';
import { waitFor } from '../../helpers/http.js';
import { encodeJson } from '../../../src/main/node/json/pyjson.js';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { Rejection, type CheckedItem } from '../../../src/main/node/federation/check.js';
import { PeerHttpError } from '../../../src/main/node/federation/http.js';
import { pageUrl, type FetchedPage, type PageRequest } from '../../../src/main/node/federation/page.js';
import { builtPageWorker, inlinePageFetcher, PageWorkerError, WorkerPageFetcher, type PageFetcher } from '../../../src/main/node/federation/pageFetcher.js';
import { updatePeer } from '../../../src/main/node/federation/peers/repo.js';
import { pullCycle, PullFailure } from '../../../src/main/node/federation/pull.js';

// Both shells' builds (npm test runs build-cli and electron-vite build first): `stigmem serve`'s and the desktop's.
const WORKER = builtPageWorker(join(REPO_ROOT, 'out/cli'));
const DESKTOP_WORKER = builtPageWorker(join(REPO_ROOT, 'out/main'));
const peerKey = signerFromSeed(generateSeed(), 'test');
const otherKey = signerFromSeed(generateSeed(), 'test');
const SRC = 'stigmem://org-p.example/agent/a';
const good = referenceFact({ id: 'f-good', entity: 'stigmem://org-p.example/e/1', source: SRC, hlc: '1763900000000.1', v: 'é ☃' });
const badCid = { ...referenceFact({ id: 'f-cid', entity: 'stigmem://org-p.example/e/2', source: SRC, hlc: '1763900000000.2' }), cid: `sha256:${'0'.repeat(64)}` };
const team = referenceFact({ id: 'f-team', entity: 'stigmem://org-p.example/e/3', source: SRC, hlc: '1763900000000.3', scope: 'team' });
const foreign = referenceFact({ id: 'f-foreign', entity: 'stigmem://org-p.example/e/4', source: 'stigmem://elsewhere.example/agent', hlc: '1763900000000.4' });
const body = Buffer.from(encodeJson({ facts: [good, badCid, team, foreign, 'junk'], cursor: '1763900000000.4', has_more: true }), 'utf8');

let server: http.Server;
let base = '';
let hungArrived = 0;
let hungClosed = 0;
/** Answers of /slow/… requests held until the test lets them go. */
const held: (() => void)[] = [];
/** /paged/…: three signed pages of two facts; every request's cursor and token is logged, and one cursor can hang. */
const paged: { facts: Record<string, unknown>[]; log: { cursor: string | null; auth: string }[]; hangAfter: string | null; closed: number } = { facts: [], log: [], hangAfter: null, closed: 0 };
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const send = (status: number, text: string | Buffer, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    if (req.url === '/signed') return send(200, body, { 'stigmem-signature': peerKey.signB64(body) });
    if (req.url === '/forged') return send(200, body, { 'stigmem-signature': otherKey.signB64(body) });
    if (req.url === '/unsigned') return send(200, body);
    if (req.url === '/refused') return send(429, '{"detail":"slow down","code":"rate_limited"}', { 'retry-after': '7' });
    if (req.url === '/junk') return send(200, '{"nope":1}');
    if (req.url === '/hang') {
      hungArrived++;
      return void req.socket.on('close', () => hungClosed++);
    }
    if (req.url?.startsWith('/paged/v1/federation/facts')) {
      const cursor = new URL(req.url, 'http://x').searchParams.get('cursor');
      paged.log.push({ cursor, auth: String(req.headers.authorization) });
      if (cursor !== null && cursor === paged.hangAfter) return void req.socket.on('close', () => paged.closed++);
      const at = cursor === null ? 0 : paged.facts.findIndex((f) => f['hlc'] === cursor) + 1;
      const facts = paged.facts.slice(at, at + 2);
      const page = Buffer.from(encodeJson({ facts, cursor: facts.length ? facts[facts.length - 1]!['hlc'] : cursor, has_more: at + 2 < paged.facts.length }), 'utf8');
      return send(200, page, { 'stigmem-signature': peerKey.signB64(page) });
    }
    if (req.url?.startsWith('/slow/v1/federation/facts')) {
      const fresh = { ...good, hlc: `${Date.now()}.1` };
      const one = Buffer.from(encodeJson({ facts: [fresh], cursor: fresh.hlc, has_more: false }), 'utf8');
      return void held.push(() => send(200, one, { 'stigmem-signature': peerKey.signB64(one) }));
    }
    send(404, '{"detail":"Not Found"}');
  });
  base = (await listenLocal(server)).url;
});
afterAll(() => closeLocal(server));

/** Stand-in worker files: one that throws before it is ready, one that is ready and exits on its first page. */
function crashingWorker(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'stigmem-worker-')), 'crash.mjs');
  writeFileSync(file, "throw new Error('boom');\n");
  return file;
}
function exitingWorker(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'stigmem-worker-')), 'exit.mjs');
  writeFileSync(file, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\nparentPort.postMessage({ type: 'ready' });\n");
  return file;
}

const request = (path: string): PageRequest => ({ url: base + path, headers: { accept: 'application/json' }, pin: peerKey.publicKey, rules: { scopes: ['public'], authority: 'stigmem://org-p.example' } });
const plain = (items: CheckedItem[]) => items.map((i) => (i instanceof Rejection ? { rejected: i.reason, detail: i.detail, factId: i.factId } : i));
const plainPage = (p: FetchedPage) => ({ ...p, body: p.body && { ...p.body, items: plain(p.body.items) } });
const fetchWith = async (f: PageFetcher, path: string) => plainPage(await f.fetch(request(path), new AbortController().signal));

describe('the page worker', () => {
  it('is built beside the stigmem and desktop bundles, and is not found beside the sources', () => {
    expect(WORKER, 'out/cli/pageWorker.js (node scripts/build-cli.mjs)').toBeDefined();
    expect(DESKTOP_WORKER, 'out/main/pageWorker.js (npx electron-vite build)').toBeDefined();
    expect(builtPageWorker(join(REPO_ROOT, 'src/main/cli'))).toBeUndefined();
  });

  it.each([
    ['stigmem serve', () => WORKER!],
    ['desktop', () => DESKTOP_WORKER!],
  ])("%s's worker reads every kind of page exactly as the node thread does", async (_shell, file) => {
    const worker = new WorkerPageFetcher(file());
    try {
      for (const path of ['/signed', '/forged', '/unsigned', '/refused', '/junk']) expect(await fetchWith(worker, path), path).toEqual(await fetchWith(inlinePageFetcher, path));
      const signed = await fetchWith(worker, '/signed');
      expect(signed.signature).toBe('valid');
      expect(signed.body?.cursor).toBe('1763900000000.4');
      expect(signed.body?.hasMore).toBe(true);
      expect(signed.body?.items).toEqual([
        expect.objectContaining({ id: 'f-good', cid: good['cid'], valueV: 'é ☃', scope: 'public', remote: { wallMs: 1763900000000, counter: 1 } }),
        { rejected: 'cid_mismatch', detail: expect.objectContaining({ claimed: badCid.cid }), factId: 'f-cid' },
        { rejected: 'scope_not_permitted', detail: { scope: 'team' }, factId: 'f-team' },
        { rejected: 'source_not_owned', detail: { source: 'stigmem://elsewhere.example/agent', authority: 'stigmem://org-p.example' }, factId: 'f-foreign' },
        { rejected: 'malformed', detail: {}, factId: null },
      ]);
      expect(await fetchWith(worker, '/forged')).toMatchObject({ status: 200, signature: 'invalid', body: null });
      expect((await fetchWith(worker, '/unsigned')).signature).toBe('absent');
      expect(await fetchWith(worker, '/refused')).toMatchObject({ status: 429, detail: 'slow down', code: 'rate_limited', retryAfterS: 7, body: null });
      expect(await fetchWith(worker, '/junk')).toMatchObject({ status: 200, signature: 'absent', body: null });
    } finally {
      await worker.close();
    }
  });

  it('gives up a request when the pull is aborted, and goes on serving the next', async () => {
    const worker = new WorkerPageFetcher(WORKER!);
    try {
      const abort = new AbortController();
      const before = hungClosed;
      const arrived = hungArrived;
      const hung = worker.fetch(request('/hang'), abort.signal);
      await waitFor('the request to reach the peer', async () => hungArrived > arrived, 5_000, 10);
      abort.abort();
      await expect(hung).rejects.toSatisfy((e) => e instanceof PeerHttpError && e.kind === 'aborted');
      await waitFor('the worker to drop the connection', async () => hungClosed > before, 5_000, 20);
      expect((await fetchWith(worker, '/signed')).signature).toBe('valid');
    } finally {
      await worker.close();
    }
  });

  it('fails the pages a dying worker held, and starts a new one for the next page', async () => {
    const worker = new WorkerPageFetcher(exitingWorker());
    try {
      for (let i = 0; i < 2; i++) {
        const e = await worker.fetch(request('/signed'), new AbortController().signal).catch((x: unknown) => x);
        expect(e instanceof PageWorkerError && e.message).toBe('page worker exited (code 3)');
      }
      expect(worker.fallback).toBeNull();
      expect(worker.readsAhead).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('reads pages on the node thread, and says so once, when the worker cannot start', async () => {
    const notices: string[] = [];
    const worker = new WorkerPageFetcher(crashingWorker(), (m) => notices.push(m));
    try {
      const first = worker.fetch(request('/signed'), new AbortController().signal);
      const second = worker.fetch(request('/refused'), new AbortController().signal);
      expect(plainPage(await first)).toEqual(await fetchWith(inlinePageFetcher, '/signed'));
      expect((await second).status).toBe(429);
      expect(plainPage(await worker.fetch(request('/signed'), new AbortController().signal))).toEqual(await fetchWith(inlinePageFetcher, '/signed'));
      expect(worker.fallback).toMatch(/^page worker failed: boom/);
      expect(worker.readsAhead).toBe(false);
      expect(notices).toEqual([expect.stringMatching(/^page worker failed: boom.*read on the node's own thread/)]);
    } finally {
      await worker.close();
    }
  });

  it('fails a pull cycle with internal_error when the worker dies, and leaves the peer untouched', async () => {
    const node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' }, { pageWorkerFile: exitingWorker() });
    try {
      pinnedPeer(node.deps.db, `${base}/signed-peer`, peerKey.publicKey);
      const failure = await pullCycle(node.deps, 'p1', new AbortController().signal).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PullFailure);
      expect((failure as PullFailure).error).toBe('internal_error: page worker exited (code 3)');
      expect(node.deps.db.raw.prepare("SELECT status, cursor FROM peers WHERE id = 'p1'").get()).toEqual({ status: 'active', cursor: null });
    } finally {
      await node.close();
    }
  });

  it('keeps nothing of a page checked under terms the operator changed while it was in flight', async () => {
    for (const change of [null, { allowedScopes: ['public', 'company'] }, { trustedPublicKey: otherKey.publicKey }, { entityUri: 'stigmem://org-q.example' }]) {
      const node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' }, { pageWorkerFile: WORKER });
      try {
        pinnedPeer(node.deps.db, `${base}/slow`, peerKey.publicKey);
        const cycle = pullCycle(node.deps, 'p1', new AbortController().signal);
        await waitFor('the page request to arrive', async () => held.length > 0, 5_000, 10);
        if (change) updatePeer(node.deps.db, 'p1', change);
        held.shift()!();
        const result = await cycle;
        const stored = node.deps.db.raw.prepare("SELECT COUNT(*) FROM facts WHERE id = 'f-good'").pluck().get();
        const cursor = node.deps.db.raw.prepare("SELECT cursor FROM peers WHERE id = 'p1'").pluck().get();
        if (change === null) expect({ received: result.received, stored, cursor }).toEqual({ received: 1, stored: 1, cursor: expect.stringMatching(/^\d{13}\.1$/) });
        else expect({ received: result.received, stored, cursor }, JSON.stringify(change)).toEqual({ received: 0, stored: 0, cursor: null });
      } finally {
        await node.close();
      }
    }
  });

  describe('reading ahead', () => {
    const now = Date.now();
    const hlcs = [1, 2, 3, 4, 5, 6].map((i) => `${now}.${i}`);
    const pagedRequest = (cursor: string | null, over: Partial<PageRequest> = {}): PageRequest => ({
      ...request('/'), url: pageUrl(`${base}/paged`, cursor), headers: { authorization: `Bearer page-${cursor}` }, next: { nodeUrl: `${base}/paged`, headers: { authorization: `Bearer after-${cursor}` } }, ...over,
    });
    const requestsFor = (cursor: string | null) => paged.log.filter((r) => r.cursor === cursor);
    beforeAll(() => {
      paged.facts = hlcs.map((hlc, i) => referenceFact({ id: `p-${i}`, entity: `stigmem://org-p.example/p/${i}`, source: SRC, hlc }));
    });
    beforeEach(() => {
      paged.log = [];
      paged.hangAfter = null;
    });

    it('asks for the next page as soon as one is read, with the token brought for it, and hands it over when asked', async () => {
      const worker = new WorkerPageFetcher(WORKER!);
      try {
        const first = await worker.fetch(pagedRequest(null), new AbortController().signal);
        expect(first.body?.cursor).toBe(hlcs[1]);
        await waitFor('the second page to be read ahead', async () => requestsFor(hlcs[1]!).length === 1, 5_000, 10);
        expect(requestsFor(hlcs[1]!)[0]!.auth).toBe(`Bearer after-null`);
        const second = plainPage(await worker.fetch(pagedRequest(hlcs[1]!), new AbortController().signal));
        expect(second).toEqual(plainPage(await inlinePageFetcher.fetch(pagedRequest(hlcs[1]!), new AbortController().signal)));
        expect(second.body?.items.map((i) => ('id' in i ? i.id : null))).toEqual(['p-2', 'p-3']);
        await waitFor('the third page to be read ahead', async () => requestsFor(hlcs[3]!).length === 1, 5_000, 10);
        const third = await worker.fetch(pagedRequest(hlcs[3]!), new AbortController().signal);
        expect(third.body?.hasMore).toBe(false);
        await new Promise((r) => setTimeout(r, 200));
        // One worker request per page (the inline comparison read the second once more), none after the last.
        expect(paged.log.map((r) => r.cursor).sort()).toEqual([hlcs[1], hlcs[1], hlcs[3], null]);
      } finally {
        await worker.close();
      }
    });

    it('does not hand over a page read under another pin or other rules, nor read ahead without a token', async () => {
      const worker = new WorkerPageFetcher(WORKER!);
      try {
        await worker.fetch(pagedRequest(null), new AbortController().signal);
        await waitFor('the second page to be read ahead', async () => requestsFor(hlcs[1]!).length === 1, 5_000, 10);
        await worker.fetch(pagedRequest(hlcs[1]!, { rules: { scopes: ['public', 'company'], authority: 'stigmem://org-p.example' }, next: undefined }), new AbortController().signal);
        expect(requestsFor(hlcs[1]!).map((r) => r.auth)).toEqual(['Bearer after-null', `Bearer page-${hlcs[1]}`]);
        await new Promise((r) => setTimeout(r, 200));
        expect(requestsFor(hlcs[3]!)).toEqual([]);
        const forged = await worker.fetch(pagedRequest(hlcs[1]!, { pin: otherKey.publicKey }), new AbortController().signal);
        expect(forged.signature).toBe('invalid');
        await new Promise((r) => setTimeout(r, 200));
        expect(requestsFor(hlcs[3]!)).toEqual([]);
      } finally {
        await worker.close();
      }
    });

    it('drops a page read ahead that nobody claims, and aborts a claimed one when its request is cancelled', async () => {
      const worker = new WorkerPageFetcher(WORKER!, undefined, 1_000);
      try {
        paged.hangAfter = hlcs[1]!;
        await worker.fetch(pagedRequest(null), new AbortController().signal);
        await waitFor('the unclaimed read-ahead to be dropped', async () => paged.closed === 1, 5_000, 20);
        await worker.fetch(pagedRequest(null), new AbortController().signal);
        await waitFor('the second read-ahead to start', async () => requestsFor(hlcs[1]!).length === 2, 5_000, 10);
        const abort = new AbortController();
        const claimed = worker.fetch(pagedRequest(hlcs[1]!), abort.signal).catch((e: unknown) => e);
        await new Promise((r) => setTimeout(r, 50));
        abort.abort();
        expect(((await claimed) as PeerHttpError).kind).toBe('aborted');
        await waitFor('the claimed read-ahead to be aborted', async () => paged.closed === 2, 5_000, 20);
        expect(requestsFor(hlcs[1]!)).toHaveLength(2);
      } finally {
        await worker.close();
      }
    });

    it('lets a pull cycle through the worker store every page once, in order', async () => {
      const node = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true' }, { pageWorkerFile: WORKER });
      try {
        pinnedPeer(node.deps.db, `${base}/paged`, peerKey.publicKey);
        const result = await pullCycle(node.deps, 'p1', new AbortController().signal);
        expect(result).toMatchObject({ received: 6, pages: 3, rejected: 0 });
        expect(node.deps.db.raw.prepare("SELECT id FROM facts WHERE id LIKE 'p-%' ORDER BY seq").pluck().all()).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
        expect(node.deps.db.raw.prepare("SELECT cursor FROM peers WHERE id = 'p1'").pluck().get()).toBe(hlcs[5]);
        expect(paged.log.map((r) => r.cursor)).toEqual([null, hlcs[1], hlcs[3]]);
      } finally {
        await node.close();
      }
    });
  });

  it('lets a stopping node end a page request in flight', async () => {
    const worker = new WorkerPageFetcher(WORKER!);
    const outcome = worker.fetch(request('/hang'), new AbortController().signal).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await worker.close();
    const e = await outcome;
    expect(e instanceof PeerHttpError && e.kind).toBe('aborted');
  });
});
