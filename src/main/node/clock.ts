// Time, injectable so tests can pin it.

export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** ISO 8601 UTC in the reference's isoformat style: `2026-05-26T12:34:56.123000+00:00`. */
export function isoFromMs(ms: number): string {
  const d = new Date(ms);
  const base = d.toISOString(); // 2026-05-26T12:34:56.123Z
  return `${base.slice(0, 19)}.${base.slice(20, 23)}000+00:00`;
}

/** Parse an ISO 8601 timestamp with a zone (Z or ±hh:mm); null when malformed. */
export function parseIsoMs(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i.exec(text.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ? m[7].slice(0, 4).padEnd(4, '0') : ''}${m[8]!.toUpperCase() === 'Z' ? 'Z' : m[8]!.length === 5 ? `${m[8]!.slice(0, 3)}:${m[8]!.slice(3)}` : m[8]}`);
  return Number.isNaN(ms) ? null : ms;
}
