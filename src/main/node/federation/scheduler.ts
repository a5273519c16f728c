// The pull loop: one loop per peer, every pull interval; on errors it backs off (doubling from the interval, capped
// at 30 s); registration and PATCH pull at once; removing a peer aborts its in-flight request.
import { recordAudit } from '../audit/log.js';
import { storageFailureOf } from '../db/storageErrors.js';
import type { NodeDeps } from '../server/deps.js';
import { fetchDiscovery, matchesPin } from './discovery.js';
import { PeerHttpError } from './http.js';
import { activePeers, peerById, updatePeerIfUnchanged, type PeerRow } from './peers/repo.js';
import { reverifyByManifest } from './peers/register.js';
import { pullCycle, PullFailure, recordCycle } from './pull.js';
import { pullRevocations } from '../tokens/revocations.js';

export const MAX_BACKOFF_MS = 30_000;

/** What a failed cycle says on the peer: its own failure, the storage problem by name, or the error's message. */
function failureOf(e: unknown): PullFailure {
  if (e instanceof PullFailure) return e;
  return new PullFailure(storageFailureOf(e)?.code ?? (e instanceof Error ? `pull_error: ${e.message}` : 'pull_error'));
}

interface PeerLoop {
  abort: AbortController;
  failures: number;
  wake: (() => void) | null;
  kicked: boolean;
}

export class PullScheduler {
  private readonly loops = new Map<string, PeerLoop>();
  private running = false;

  constructor(private readonly deps: NodeDeps) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running || !this.deps.config.federationEnabled) return;
    this.running = true;
    for (const p of activePeers(this.deps.db)) this.ensure(p.id);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const id of [...this.loops.keys()]) this.remove(id);
  }

  /** Pull now and forget the backoff (after registration or a PATCH). */
  kick(peerId: string): void {
    if (!this.running) return;
    const loop = this.loops.get(peerId);
    if (!loop) return this.ensure(peerId);
    loop.failures = 0;
    loop.kicked = true;
    loop.wake?.();
  }

  /** Stop a peer's loop at once, aborting whatever request it has in flight. */
  remove(peerId: string): void {
    const loop = this.loops.get(peerId);
    if (!loop) return;
    this.loops.delete(peerId);
    loop.abort.abort();
    loop.wake?.();
  }

  private ensure(peerId: string): void {
    if (!this.running || this.loops.has(peerId)) return;
    const loop: PeerLoop = { abort: new AbortController(), failures: 0, wake: null, kicked: false };
    this.loops.set(peerId, loop);
    void this.run(peerId, loop);
  }

  private delayAfter(loop: PeerLoop, failure: PullFailure | null): number {
    const intervalMs = this.deps.config.pullIntervalS * 1000;
    if (!failure) return intervalMs;
    if (failure.retryAfterMs !== null) return Math.min(failure.retryAfterMs, 300_000);
    return Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** loop.failures);
  }

  private sleep(loop: PeerLoop, ms: number): Promise<void> {
    if (loop.kicked) {
      loop.kicked = false;
      return Promise.resolve();
    }
    return new Promise((res) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done(): void {
        clearTimeout(timer);
        loop.wake = null;
        res();
      }
      loop.wake = () => {
        loop.kicked = false;
        done();
      };
    });
  }

  /** An unreachable or mismatched peer is verified again each cycle; a match makes it active. */
  private async reverify(peerId: string, signal: AbortSignal): Promise<void> {
    const row = peerById(this.deps.db, peerId);
    if (!row || (row.status !== 'unreachable' && row.status !== 'key_mismatch')) return;
    if (row.registration === 'manifest' && row.trusted_public_key === '') return reverifyByManifest(this.deps, row, signal);
    try {
      const d = await fetchDiscovery(row.node_url, signal);
      // The error stays until the pull that follows succeeds: a refusal it meets again is not a new one.
      if (matchesPin(d, row.trusted_public_key)) updatePeerIfUnchanged(this.deps.db, row, { status: 'active', nodeId: row.node_id ?? d.nodeId });
      else if (row.status === 'unreachable') this.keyMismatchFound(row, d.federationKey, d.nodeId);
    } catch (e) {
      if (e instanceof PeerHttpError && e.kind === 'aborted') return;
    }
  }

  /** Back under a key other than the pin: marked, and audited as the mismatch starts (its error says it while it lasts). */
  private keyMismatchFound(row: PeerRow, presented: string | null, nodeId: string | null): void {
    const { db } = this.deps;
    db.transaction(() => {
      if (!updatePeerIfUnchanged(db, row, { status: 'key_mismatch', error: 'signature_mismatch', nodeId: row.node_id ?? nodeId })) return;
      if (row.error === 'signature_mismatch') return;
      recordAudit(db, { category: 'federation', eventType: 'signature_mismatch', peerId: row.id, detail: { node_id: row.node_id, pinned_key: row.trusted_public_key, presented_key: presented } }, this.deps.clock.nowMs());
    });
  }

  /** One pull of a peer, its outcome recorded: the failure, null for success, or 'stop' when its loop should end. */
  private async cycle(peerId: string, signal: AbortSignal, wasFailing: boolean): Promise<PullFailure | null | 'stop'> {
    const row = peerById(this.deps.db, peerId);
    if (!row || !['active', 'unreachable', 'key_mismatch'].includes(row.status)) return 'stop';
    try {
      await this.reverify(peerId, signal);
      const fresh = peerById(this.deps.db, peerId);
      if (fresh?.status === 'active') {
        await pullRevocations(this.deps, fresh, signal);
        const result = await pullCycle(this.deps, peerId, signal);
        if (!signal.aborted) recordCycle(this.deps, peerId, { result }, wasFailing);
        return null;
      }
      return fresh && fresh.status !== 'removed' ? new PullFailure(fresh.error ?? fresh.status) : 'stop';
    } catch (e) {
      if (signal.aborted) return 'stop';
      const failure = failureOf(e);
      recordCycle(this.deps, peerId, { failure }, wasFailing);
      return failure;
    }
  }

  private async run(peerId: string, loop: PeerLoop): Promise<void> {
    const { signal } = loop.abort;
    while (!signal.aborted && this.running) {
      let failure: PullFailure | null;
      try {
        const step = await this.cycle(peerId, signal, loop.failures > 0);
        if (step === 'stop') break;
        failure = step;
      } catch (e) {
        // Not even the outcome could be recorded (a full disk, say): back off and try again; the node runs on.
        if (signal.aborted) break;
        failure = failureOf(e);
      }
      const delay = this.delayAfter(loop, failure);
      loop.failures = failure ? loop.failures + 1 : 0;
      await this.sleep(loop, delay);
    }
    if (this.loops.get(peerId) === loop) this.loops.delete(peerId);
  }
}
