// The page worker's entry: fetch, verify and check pages the node's thread asks for (see pageFetcher.ts). Having read
// a page with more after it, it asks for the next one at once (with the token the request brought for it), so the peer
// prepares that page while this one is still being read and stored; the node's request for it then finds it started.
import { parentPort, workerData } from 'node:worker_threads';
import type { TlsMaterial } from '../crypto/tlsMaterial.js';
import { PeerHttpError, usePeerTls } from './http.js';
import { fetchPageOnce, packPage, pageUrl, termsOf, type FetchedPage, type PageRequest } from './page.js';
import type { WorkerReply, WorkerRequest } from './pageFetcher.js';

const port = parentPort;
if (!port) throw new Error('the page worker runs only as a worker thread');

const data = workerData as { readAheadTtlMs?: number; tls?: TlsMaterial | null } | null;
/** An unclaimed read-ahead is dropped after this long (the cycle that would have claimed it ended). */
const readAheadTtlMs = data?.readAheadTtlMs ?? 30_000;
// The node's mTLS certificate, presented to peers from this thread too.
usePeerTls(data?.tls ?? null);

interface Ahead {
  page: Promise<FetchedPage>;
  abort: AbortController;
  timer: NodeJS.Timeout;
}

const inflight = new Map<number, AbortController>();
const ahead = new Map<string, Ahead>();
// A read-ahead is claimed only by a request for the same URL under the same terms (pin and rules).
const keyOf = (req: PageRequest): string => `${req.url}\n${termsOf(req)}`;

function readAhead(req: PageRequest, page: FetchedPage): void {
  if (!req.next || page.status !== 200 || page.signature === 'invalid' || !page.body?.hasMore || page.body.cursor === null || page.body.items.length === 0) return;
  const next: PageRequest = { url: pageUrl(req.next.nodeUrl, page.body.cursor), headers: req.next.headers, pin: req.pin, rules: req.rules, ...(req.expectNodeId !== undefined ? { expectNodeId: req.expectNodeId } : {}) };
  const key = keyOf(next);
  if (ahead.has(key)) return;
  const abort = new AbortController();
  const started = fetchPageOnce(next, abort.signal);
  started.catch(() => undefined);
  const timer = setTimeout(() => {
    ahead.delete(key);
    abort.abort();
  }, readAheadTtlMs);
  timer.unref();
  ahead.set(key, { page: started, abort, timer });
}

function claim(req: PageRequest): { page: Promise<FetchedPage>; abort: AbortController } {
  const key = keyOf(req);
  const hit = ahead.get(key);
  if (hit) {
    ahead.delete(key);
    clearTimeout(hit.timer);
    return hit;
  }
  const abort = new AbortController();
  return { page: fetchPageOnce(req, abort.signal), abort };
}

port.on('message', (m: WorkerRequest) => {
  if (m.type === 'cancel') return inflight.get(m.id)?.abort();
  if (m.type === 'tls') return usePeerTls(m.tls);
  const { page, abort } = claim(m.req);
  inflight.set(m.id, abort);
  void page
    .then(
      (p): WorkerReply => {
        readAhead(m.req, p);
        return { type: 'page', id: m.id, page: packPage(p) };
      },
      (e: unknown): WorkerReply => ({ type: 'error', id: m.id, error: e instanceof PeerHttpError ? { kind: e.kind, message: e.message } : { kind: 'internal', message: e instanceof Error ? e.message : String(e) } }),
    )
    .then((reply) => {
      inflight.delete(m.id);
      port.postMessage(reply);
    });
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
