// A rolling-window counter per key (the reference's 10 manifest PUTs per entity_uri per hour), in memory.

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RollingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Bound on distinct keys, so a stream of new keys cannot grow memory without end. */
    private readonly maxKeys = 10_000,
  ) {}

  /** Count a hit for `key` unless the window is full; a refused hit is not counted. */
  hit(key: string, nowMs: number): RateDecision {
    const windowStart = nowMs - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > windowStart);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      const retryMs = recent[0]! + this.windowMs - nowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
    }
    recent.push(nowMs);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.evictIdle(windowStart);
    return { allowed: true };
  }

  private evictIdle(windowStart: number): void {
    for (const [k, times] of this.hits) {
      if (times.every((t) => t <= windowStart)) this.hits.delete(k);
    }
    // Still too many live keys: drop the least recently used (Map keeps insertion order).
    for (const k of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys) break;
      this.hits.delete(k);
    }
  }
}
