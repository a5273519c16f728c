// The page worker's entry: fetch, verify and check pages the node's thread asks for (see pageFetcher.ts).
import { parentPort } from 'node:worker_threads';
import { PeerHttpError } from './http.js';
import { fetchPageOnce, packPage } from './page.js';
import type { WorkerReply, WorkerRequest } from './pageFetcher.js';

const port = parentPort;
if (!port) throw new Error('the page worker runs only as a worker thread');
const inflight = new Map<number, AbortController>();

port.on('message', (m: WorkerRequest) => {
  if (m.type === 'cancel') return inflight.get(m.id)?.abort();
  const abort = new AbortController();
  inflight.set(m.id, abort);
  void fetchPageOnce(m.req, abort.signal)
    .then(
      (page): WorkerReply => ({ type: 'page', id: m.id, page: packPage(page) }),
      (e: unknown): WorkerReply => ({ type: 'error', id: m.id, error: e instanceof PeerHttpError ? { kind: e.kind, message: e.message } : { kind: 'internal', message: e instanceof Error ? e.message : String(e) } }),
    )
    .then((reply) => {
      inflight.delete(m.id);
      port.postMessage(reply);
    });
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
