// Each unknown API key costs a deliberate scrypt: past a few a minute from one address, further unknown keys from it
// are refused without hashing them, so guessing is slow and cannot monopolise the node.

export const FAILED_KEY_LIMIT = 10;
export const FAILED_KEY_WINDOW_MS = 60_000;

export class FailedAttempts {
  private readonly byAddress = new Map<string, number[]>();

  constructor(
    private readonly limit = FAILED_KEY_LIMIT,
    private readonly windowMs = FAILED_KEY_WINDOW_MS,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Whole seconds until `address` may present an unknown key again; 0 when it may now. */
  retryAfterS(address: string, nowMs: number): number {
    const times = this.recent(address, nowMs);
    if (times.length < this.limit) return 0;
    return Math.max(1, Math.ceil((times[0]! + this.windowMs - nowMs) / 1000));
  }

  note(address: string, nowMs: number): void {
    // A flood of addresses forgets them all rather than growing without bound (each then starts its count again).
    if (!this.byAddress.has(address) && this.byAddress.size >= this.maxAddresses) this.byAddress.clear();
    const times = this.recent(address, nowMs);
    times.push(nowMs);
    if (times.length > this.limit) times.shift();
    this.byAddress.set(address, times);
  }

  private recent(address: string, nowMs: number): number[] {
    const times = (this.byAddress.get(address) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (times.length === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, times);
    return times;
  }
}
