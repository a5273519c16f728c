// Where pages are fetched and read: on the node's own thread, or in a worker so that the thread writing facts does
// not also parse, verify and check the next page. Both run fetchPageOnce; only the thread differs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TlsMaterial } from '../crypto/tlsMaterial.js';
import { PeerHttpError } from './http.js';
import { fetchPageOnce, unpackPage, type FetchedPage, type PageError, type PageRequest } from './page.js';
import type { PackedItems } from './check.js';

export interface PageFetcher {
  /** Whether it reads the next page ahead (and so has a use for the token a request brings for it). */
  readonly readsAhead: boolean;
  fetch(req: PageRequest, signal: AbortSignal): Promise<FetchedPage>;
  /** Present this mTLS certificate from now on (a renewed one); the node's thread switches its own separately. */
  useTls(m: TlsMaterial | null): void;
  close(): Promise<void>;
}

/** The worker failed (not the peer): the pull cycle reports it as this node's error. */
export class PageWorkerError extends Error {}

/** The page worker a build put beside its entry bundle (out/cli, out/main); run from sources there is none. */
export function builtPageWorker(bundleDir: string): string | undefined {
  const file = join(bundleDir, 'pageWorker.js');
  return existsSync(file) ? file : undefined;
}

export const inlinePageFetcher: PageFetcher = { readsAhead: false, fetch: fetchPageOnce, useTls: () => undefined, close: async () => undefined };

export type WorkerRequest = { type: 'fetch'; id: number; req: PageRequest } | { type: 'cancel'; id: number } | { type: 'tls'; tls: TlsMaterial | null };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'page'; id: number; page: FetchedPage<PackedItems> }
  | { type: 'error'; id: number; error: PageError | { kind: 'internal'; message: string } };

interface Pending {
  req: PageRequest;
  signal: AbortSignal;
  resolve: (p: FetchedPage) => void;
  reject: (e: Error) => void;
}

/**
 * One worker for all peers, started on the first page. A worker that dies fails the pages it held and is started
 * again for the next; one that cannot start at all (it never said ready) is given up for good, and pages are read on
 * the node's thread instead: slower, but replication goes on. `onNotice` hears about that once.
 */
export class WorkerPageFetcher implements PageFetcher {
  private worker: Worker | null = null;
  private isReady = false;
  private fallbackReason: string | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly file: string,
    private readonly onNotice: (message: string) => void = () => undefined,
    /** How long the worker keeps a page it read ahead that nobody asked for (tests shorten it). */
    private readonly readAheadTtlMs = 30_000,
    /** The node's mTLS certificate, which the worker presents to peers as the node's thread does. */
    private tls: TlsMaterial | null = null,
  ) {}

  useTls(m: TlsMaterial | null): void {
    this.tls = m;
    this.worker?.postMessage({ type: 'tls', tls: m } satisfies WorkerRequest);
  }

  /** Why pages are read on the node's thread instead, or null while the worker is used. */
  get fallback(): string | null {
    return this.fallbackReason;
  }

  get readsAhead(): boolean {
    return this.fallbackReason === null;
  }

  fetch(req: PageRequest, signal: AbortSignal): Promise<FetchedPage> {
    if (this.fallbackReason !== null) return inlinePageFetcher.fetch(req, signal);
    if (signal.aborted) return Promise.reject(new PeerHttpError('aborted', 'request aborted'));
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<FetchedPage>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.pending.delete(id)) return;
        this.worker?.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
        reject(new PeerHttpError('aborted', 'request aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => signal.removeEventListener('abort', onAbort);
      this.pending.set(id, { req, signal, resolve: (p) => (settle(), resolve(p)), reject: (e) => (settle(), reject(e)) });
      worker.postMessage({ type: 'fetch', id, req } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new PeerHttpError('aborted', 'node stopping'));
    await worker?.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file, { workerData: { readAheadTtlMs: this.readAheadTtlMs, tls: this.tls } });
    // The node's server keeps the process alive; an idle page worker must not.
    worker.unref();
    this.isReady = false;
    worker.on('message', (m: WorkerReply) => this.receive(m));
    worker.on('error', (e) => this.lost(worker, `page worker failed: ${e.message}`));
    worker.on('exit', (code) => this.lost(worker, `page worker exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private receive(m: WorkerReply): void {
    if (m.type === 'ready') {
      this.isReady = true;
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return; // cancelled meanwhile
    this.pending.delete(m.id);
    if (m.type === 'page') return p.resolve(unpackPage(m.page));
    p.reject(m.error.kind === 'internal' ? new PageWorkerError(m.error.message) : new PeerHttpError(m.error.kind, m.error.message));
  }

  private lost(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.isReady) return this.failAll(new PageWorkerError(message));
    this.fallbackReason = message;
    this.onNotice(`${message} before it started; peers' pages are read on the node's own thread from now on`);
    const held = [...this.pending.values()];
    this.pending.clear();
    for (const p of held) inlinePageFetcher.fetch(p.req, p.signal).then(p.resolve, p.reject);
  }

  private failAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
