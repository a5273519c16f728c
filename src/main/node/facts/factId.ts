// Fact ids are UUIDv7 (RFC 9562): time-ordered, so the id index grows at its end instead of at random pages.
import { randomUUID } from 'node:crypto';

/** A UUIDv7 for `nowMs`: 48-bit Unix milliseconds, version 7, then randomness (variant bits as randomUUID sets them). */
export function newFactId(nowMs: number = Date.now()): string {
  const ts = Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, '0').slice(-12);
  const r = randomUUID();
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7${r.slice(15)}`;
}
