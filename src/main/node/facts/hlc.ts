// Hybrid logical clock (REFERENCE-NODE.md §10.4, CONTRACT.md "Replication"): `<13-digit wall_ms>.<3-digit counter>`.
import { getMeta } from '../meta.js';
import { sql, type WriteDb } from '../db/sql.js';

/** Counters are three digits; past this in one millisecond the wall time advances instead. */
export const HLC_MAX_COUNTER = 999;
const HLC_META_KEY = 'hlc_last';

export interface HlcValue {
  wallMs: number;
  counter: number;
}

export class HlcFormatError extends Error {}

/** Raised by `receive` when the remote wall time lies outside the allowed skew (§6.4 item 6). */
export class HlcSkewError extends Error {
  readonly skewMs: number;
  readonly direction: 'future' | 'past';
  constructor(
    readonly remoteWallMs: number,
    readonly localWallMs: number,
  ) {
    const skewMs = remoteWallMs - localWallMs;
    const direction = skewMs > 0 ? 'future' : 'past';
    super(`remote HLC wall time is outside configured skew bound (direction=${direction}, skew_ms=${skewMs})`);
    this.skewMs = skewMs;
    this.direction = direction;
  }
}

/** Parse `wall.counter`; the counter may be unpadded (reference) or absent (counter 0). */
export function parseHlc(text: string): HlcValue | null {
  const m = /^(\d{1,16})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) return null;
  const wallMs = Number(m[1]);
  if (!Number.isSafeInteger(wallMs)) return null;
  return { wallMs, counter: Number(m[2] ?? '0') };
}

/** The padded form, so text order equals causal order (SQL cursors compare HLCs as text). */
export function formatHlc(v: HlcValue): string {
  return `${String(v.wallMs).padStart(13, '0')}.${String(v.counter).padStart(3, '0')}`;
}

export function compareHlc(a: HlcValue, b: HlcValue): number {
  return a.wallMs !== b.wallMs ? Math.sign(a.wallMs - b.wallMs) : Math.sign(a.counter - b.counter);
}

/** A counter beyond three digits carries into the wall time. */
function carry(v: HlcValue): HlcValue {
  return v.counter > HLC_MAX_COUNTER ? { wallMs: v.wallMs + 1, counter: 0 } : v;
}

export class Hlc {
  private state: HlcValue;

  constructor(
    private readonly nowMs: () => number,
    last: HlcValue | null = null,
  ) {
    this.state = last ?? { wallMs: 0, counter: 0 };
  }

  get last(): HlcValue {
    return { ...this.state };
  }

  /** Local event: the wall clock if it moved on, else the next counter. */
  tick(): string {
    const now = this.nowMs();
    this.state = now > this.state.wallMs ? { wallMs: now, counter: 0 } : carry({ wallMs: this.state.wallMs, counter: this.state.counter + 1 });
    return formatHlc(this.state);
  }

  /**
   * Remote event (§6.4 item 6): refuse a remote wall time beyond the bounds (0 disables a bound), else
   * wall = max(now, local, remote) and the counter follows whichever terms equal it.
   */
  receive(remote: string, maxFutureMs = 0, maxPastMs = 0): string {
    const r = parseHlc(remote);
    if (!r) throw new HlcFormatError(`malformed HLC ${JSON.stringify(remote.slice(0, 40))}`);
    return this.receiveValue(r, maxFutureMs, maxPastMs);
  }

  /** `receive` of an HLC the caller already parsed. */
  receiveValue(r: HlcValue, maxFutureMs = 0, maxPastMs = 0): string {
    const now = this.nowMs();
    if (maxFutureMs > 0 && r.wallMs - now > maxFutureMs) throw new HlcSkewError(r.wallMs, now);
    if (maxPastMs > 0 && now - r.wallMs > maxPastMs) throw new HlcSkewError(r.wallMs, now);
    const local = this.state;
    const wallMs = Math.max(now, local.wallMs, r.wallMs);
    let counter: number;
    if (wallMs === local.wallMs && wallMs === r.wallMs) counter = Math.max(local.counter, r.counter) + 1;
    else if (wallMs === local.wallMs) counter = local.counter + 1;
    else if (wallMs === r.wallMs) counter = r.counter + 1;
    else counter = 0;
    this.state = carry({ wallMs, counter });
    return formatHlc(this.state);
  }
}

const clocks = new WeakMap<WriteDb, Hlc>();

/**
 * The node's one clock per database, resumed from the last value it handed out so it never runs backwards (every
 * write takes a later HLC than the one before it, so the newest row holds the newest HLC).
 */
export function nodeHlc(db: WriteDb, nowMs: () => number): Hlc {
  let hlc = clocks.get(db);
  if (!hlc) {
    const candidates = [getMeta(db, HLC_META_KEY), db.get<{ hlc: string }>(sql`SELECT hlc FROM facts ORDER BY seq DESC LIMIT 1`)?.hlc ?? null]
      .map((t) => (t === null ? null : parseHlc(t)))
      .filter((v): v is HlcValue => v !== null);
    const last = candidates.reduce<HlcValue | null>((a, b) => (a === null || compareHlc(b, a) > 0 ? b : a), null);
    hlc = new Hlc(nowMs, last);
    clocks.set(db, hlc);
  }
  return hlc;
}

/** Record the clock's position; called inside the write transaction that used it. */
export function persistHlc(db: WriteDb, hlc: Hlc): void {
  const text = formatHlc(hlc.last);
  db.run(sql`INSERT INTO node_meta (key, value) VALUES (${HLC_META_KEY}, ${text}) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
}
