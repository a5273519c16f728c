// ISO 8601 timestamps as Python's datetime.fromisoformat reads them, parsed strictly to epoch microseconds.
// A naive timestamp (no zone) cannot be compared with an aware one, so the caller refuses it rather than guess.

export type ParsedTimestamp = { ok: true; epochUs: bigint } | { ok: false; reason: 'malformed' | 'naive' };

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const US_PER_SECOND = 1_000_000n;
const US_PER_DAY = 86_400n * US_PER_SECOND;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function offsetMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

export function parseIsoTimestamp(text: string): ParsedTimestamp {
  const m = ISO_TIMESTAMP.exec(text);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? '0');
  const minute = Number(mi ?? '0');
  const second = Number(s ?? '0');
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: 'malformed' };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'malformed' };
  if (h === undefined || zone === undefined) return { ok: false, reason: 'naive' };
  const offset = offsetMinutes(zone);
  if (offset === null) return { ok: false, reason: 'malformed' };
  // Python keeps microseconds and drops further digits.
  const micros = BigInt((frac ?? '').slice(0, 6).padEnd(6, '0'));
  const seconds = BigInt(hour * 3600 + minute * 60 + second - offset * 60);
  return { ok: true, epochUs: BigInt(daysFromCivil(year, month, day)) * US_PER_DAY + seconds * US_PER_SECOND + micros };
}

export const daysInUs = (days: number): bigint => BigInt(days) * US_PER_DAY;
export const usFromMs = (ms: number): bigint => BigInt(Math.floor(ms)) * 1000n;
export const msFromUs = (us: bigint): number => Number(us / 1000n);
