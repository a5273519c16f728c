// Small measuring tools: ops/s over a time box, and an HTTP load loop on loopback with bounded count and time.
import http from 'node:http';

/** Benchmarks measure the node, not the per-caller request quota in front of it. */
export const NO_RATE_LIMITS = { STIGMEM_RATE_LIMIT_WRITE_PER_HOUR: '0', STIGMEM_RATE_LIMIT_READ_PER_HOUR: '0', STIGMEM_RATE_LIMIT_DISABLED_ACK: '1' };

export interface Figure {
  name: string;
  opsPerSec: number;
  unit: string;
}

/** Run `fn` repeatedly for about `ms` milliseconds (after a short warm-up) and report operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000): number {
  const warm = Date.now() + Math.min(200, ms / 5);
  while (Date.now() < warm) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

/**
 * Best ops/s of each function over several short rounds taken in turn, so a baseline and what is compared with it
 * see the same machine (a neighbour's burst or a frequency change hits both, not one).
 */
export function bestOpsInTurn(fns: readonly (() => void)[], rounds = 5, ms = 300): number[] {
  const best = fns.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      best[i] = Math.max(best[i] ?? 0, opsPerSecond(fn, ms));
    });
  }
  return best;
}

/** Requests per second against a loopback URL with `concurrency` keep-alive connections, bounded by count and time. */
export async function httpLoad(opts: { url: string; method: string; headers?: Record<string, string>; body?: (i: number) => string; concurrency?: number; maxRequests?: number; maxMs?: number }): Promise<{ rps: number; statuses: Record<number, number> }> {
  const u = new URL(opts.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error('benchmarks only load loopback addresses');
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 });
  const statuses: Record<number, number> = {};
  const maxRequests = opts.maxRequests ?? 20_000;
  const deadline = Date.now() + (opts.maxMs ?? 3000);
  let issued = 0;
  let done = 0;
  const one = (i: number): Promise<void> =>
    new Promise((res, rej) => {
      const body = opts.body?.(i);
      const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method, headers: { ...(opts.headers ?? {}), ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (r) => {
        r.resume();
        r.on('end', () => {
          statuses[r.statusCode ?? 0] = (statuses[r.statusCode ?? 0] ?? 0) + 1;
          done++;
          res();
        });
      });
      req.on('error', rej);
      req.end(body);
    });
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (issued < maxRequests && Date.now() < deadline) await one(issued++);
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 16 }, worker));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { rps: done / secs, statuses };
}

export function printRatio(name: string, ours: number, baseline: number, baselineName: string, unit: string, target?: number): void {
  const ratio = ours / baseline;
  const verdict = target === undefined ? '' : ratio >= target ? `  (target ≥ ${target}×: met)` : `  (target ≥ ${target}×: NOT met)`;
  process.stdout.write(`${name.padEnd(44)} ${ours.toFixed(0).padStart(10)} ${unit}   ${ratio.toFixed(2)}× ${baselineName}${verdict}\n`);
}
