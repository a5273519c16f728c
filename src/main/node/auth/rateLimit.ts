// Requests per principal and hour (CONTRACT.md "Auth"): a token bucket for writes and one for reads per API key, per
// capability-token subject, and per address for unauthenticated callers. /v1/federation/* is exempt, as in the
// reference: peers answer to their JWT's single-use nonce, and a long catch-up must never stall on a quota.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import type { NodeDeps } from '../server/deps.js';
import { callerNetwork } from './callerNetwork.js';

/** Buckets that refill continuously to `perHour`; a full bucket lets a burst of `perHour` through. */
export class HourlyBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    readonly perHour: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Take one request for `key`: 0 when allowed, else whole seconds until one is. */
  take(key: string, nowMs: number): number {
    const ratePerMs = this.perHour / 3_600_000;
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.perHour, b.tokens + (nowMs - b.atMs) * ratePerMs) : this.perHour;
    if (tokens < 1 - 1e-9) { // refills add up in floating point: a hair under 1 is a whole token
      this.buckets.set(key, { tokens, atMs: nowMs });
      return Math.max(1, Math.ceil(((1 - tokens) * 3600) / this.perHour - 1e-9)); // seconds until a whole token
    }
    this.buckets.delete(key); // re-inserted last: Map order is least recently used first
    this.buckets.set(key, { tokens: tokens - 1, atMs: nowMs });
    // Dropping the least recently used only forgets a quota already mostly refilled.
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return 0;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function principalKey(req: FastifyRequest): string {
  const p = req.principal;
  if (p?.kind === 'api_key' && p.apiKeyId !== null) return `key:${p.apiKeyId}`;
  if (p?.kind === 'capability' && p.capability) return `token:${p.capability.subject}`;
  return `addr:${callerNetwork(req.ip)}`;
}

/** An onRequest hook for after authentication; a limit of 0 switches that kind of request off the meter. */
export function makeRateLimitHook(deps: Pick<NodeDeps, 'config' | 'clock'>) {
  const writes = new HourlyBuckets(deps.config.rateLimitWritePerHour);
  const reads = new HourlyBuckets(deps.config.rateLimitReadPerHour);
  return async function rateLimit(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith('/v1/') || path.startsWith('/v1/federation/')) return;
    const isWrite = WRITE_METHODS.has(req.method);
    const buckets = isWrite ? writes : reads;
    if (buckets.perHour === 0) return;
    const wait = buckets.take(principalKey(req), deps.clock.nowMs());
    if (wait > 0) {
      throw new HttpError(429, `rate limit: at most ${buckets.perHour} ${isWrite ? 'writes' : 'reads'} per hour for this caller; retry in ${wait} s`, 'rate_limited', { 'Retry-After': String(wait) });
    }
  };
}
