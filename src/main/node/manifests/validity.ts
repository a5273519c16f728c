// The validity window (REFERENCE-NODE.md §4.3), with CONTRACT.md's changes: bad timestamps are a 422, an expired
// manifest is refused, and strict mode allows 366 days (a year that spans a leap day).
import type { TrustMode } from '../config/env.js';
import { unprocessable } from '../errors.js';
import type { ManifestInput } from './input.js';
import { daysInUs, msFromUs, parseIsoTimestamp, usFromMs } from './timestamps.js';

export const MAX_VALIDITY_DAYS = 730;
export const STRICT_MAX_VALIDITY_DAYS = 366;

function timestampUs(field: 'issued_at' | 'expires_at', text: string): bigint {
  const t = parseIsoTimestamp(text);
  if (t.ok) return t.epochUs;
  if (t.reason === 'naive') throw unprocessable(`invalid manifest: ${field} must carry a timezone (Z or ±HH:MM)`);
  throw unprocessable(`invalid manifest: ${field} is not an ISO 8601 timestamp`);
}

/** Checks the window and returns the expiry in epoch milliseconds. */
export function checkValidityWindow(m: Pick<ManifestInput, 'issued_at' | 'expires_at'>, nowMs: number, trustMode: TrustMode): number {
  const issued = timestampUs('issued_at', m.issued_at);
  const expires = timestampUs('expires_at', m.expires_at);
  if (expires <= issued) throw unprocessable('expires_at must be after issued_at');
  if (expires > issued + daysInUs(MAX_VALIDITY_DAYS)) {
    throw unprocessable(`expires_at exceeds maximum of ${MAX_VALIDITY_DAYS} days from issued_at`);
  }
  if (trustMode === 'strict' && expires > issued + daysInUs(STRICT_MAX_VALIDITY_DAYS)) {
    throw unprocessable(`expires_at exceeds ${STRICT_MAX_VALIDITY_DAYS}-day limit enforced by trust_mode=strict`);
  }
  if (expires <= usFromMs(nowMs)) throw unprocessable('manifest has already expired (expires_at is not in the future)');
  return msFromUs(expires);
}
