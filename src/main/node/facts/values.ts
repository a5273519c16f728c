// Fact values: the per-type checks on input, `value_v` exactly as Python `str()` writes it, and `v` as served back.
import { HttpError, validationError } from '../errors.js';
import { numberLiteral } from '../json/parse.js';
import { pyFloatRepr, RawJson } from '../json/pyjson.js';

export const VALUE_TYPES = ['string', 'text', 'number', 'boolean', 'datetime', 'ref', 'null'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const SCOPES = ['local', 'team', 'company', 'public'] as const;
export type Scope = (typeof SCOPES)[number];

export const INTERPRET_AS = ['content', 'instruction'] as const;
export type InterpretAs = (typeof INTERPRET_AS)[number];

/** Spec-01 lets a node refuse text values above 64 KB; CONTRACT.md says we do (413). */
export const MAX_VALUE_BYTES = 64 * 1024;

/** CPython refuses to parse integers longer than this (sys.int_info.default_max_str_digits). */
export const MAX_INT_DIGITS = 4300;

export function isScope(s: unknown): s is Scope {
  return typeof s === 'string' && (SCOPES as readonly string[]).includes(s);
}

export function isValueType(s: unknown): s is ValueType {
  return typeof s === 'string' && (VALUE_TYPES as readonly string[]).includes(s);
}

/** A fact value after checking: its type and the stored string form. */
export interface EncodedValue {
  type: ValueType;
  valueV: string;
  interpretAs: InterpretAs;
}

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO 8601 date or date-time (zone optional, as Python `fromisoformat` accepts); ms since epoch, or null. */
export function parseIsoDatetimeMs(text: string): number | null {
  const m = ISO_DATETIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const zh = Number(digits.slice(1, 3));
    const zm = Number(digits.slice(3, 5));
    if (zh > 23 || zm > 59) return null;
    offsetMin = (zh * 60 + zm) * (digits[0] === '-' ? -1 : 1);
  }
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), Number(frac.slice(0, 3).padEnd(3, '0')));
  // Date.UTC rolls 31 February over into March; a real date survives the round trip.
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return null;
  return ms - offsetMin * 60_000;
}

/** Python `str()` of a JSON number given its literal text: integer literals stay integers, others are floats. */
export function pythonNumberText(literal: string): string {
  if (/^-?\d+$/.test(literal)) {
    const digits = literal.replace(/^-/, '');
    if (digits.length > MAX_INT_DIGITS) throw new RangeError(`integer literal exceeds ${MAX_INT_DIGITS} digits`);
    return /^0+$/.test(digits) ? '0' : literal;
  }
  return pyFloatRepr(Number(literal));
}

/** Python `str()` of a JS number that did not come from parsed JSON text (no literal to consult). */
function numberTextWithoutLiteral(n: number): string {
  return Number.isSafeInteger(n) ? String(n === 0 ? 0 : n) : pyFloatRepr(n);
}

function bad(msg: string, loc: (string | number)[]): HttpError {
  return validationError([{ type: 'value_error', loc, msg }]);
}

/**
 * Check `{type, v, interpret_as}` and encode `v` as the stored `value_v`.
 * `loc` names the value in 422 details (e.g. ['body', 'value']).
 */
export function encodeFactValue(value: { type: string; v?: unknown; interpret_as?: string }, loc: (string | number)[]): EncodedValue {
  const { type } = value;
  if (!isValueType(type)) throw bad(`type must be one of ${VALUE_TYPES.join(', ')}`, [...loc, 'type']);
  const interpretAs = (value.interpret_as ?? 'content') as InterpretAs;
  if (!(INTERPRET_AS as readonly string[]).includes(interpretAs)) throw bad('interpret_as must be one of content, instruction', [...loc, 'interpret_as']);
  const v = value.v;
  const vLoc = [...loc, 'v'];
  switch (type) {
    case 'null':
      if (v !== undefined && v !== null) throw bad("v must be absent or null for type 'null'", vLoc);
      return { type, valueV: 'null', interpretAs };
    case 'boolean':
      if (typeof v !== 'boolean') throw bad("v must be a boolean for type 'boolean'", vLoc);
      return { type, valueV: v ? 'true' : 'false', interpretAs };
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad("v must be a number for type 'number'", vLoc);
      const literal = numberLiteral(value, 'v');
      try {
        return { type, valueV: literal !== undefined ? pythonNumberText(literal) : numberTextWithoutLiteral(v), interpretAs };
      } catch (e) {
        throw bad((e as Error).message, vLoc);
      }
    }
    default: {
      if (typeof v !== 'string') throw bad(`v must be a string for type '${type}'`, vLoc);
      if (Buffer.byteLength(v, 'utf8') > MAX_VALUE_BYTES) {
        throw new HttpError(413, { code: 'value_too_large', message: `value.v exceeds ${MAX_VALUE_BYTES} bytes (UTF-8)` }, 'payload_too_large');
      }
      if (type === 'datetime' && parseIsoDatetimeMs(v) === null) throw bad("v must be an ISO 8601 date-time for type 'datetime'", vLoc);
      return { type, valueV: v, interpretAs };
    }
  }
}

/**
 * `v` as served: numbers verbatim from `value_v`, so a reference receiver's `str(parsed)` reproduces it (§10.3);
 * booleans as booleans (the string "false" would read as true there); null as null; the rest as stored.
 */
export function wireValueV(type: string, valueV: string): unknown {
  switch (type) {
    case 'number':
      return /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(valueV) ? new RawJson(valueV) : valueV;
    case 'boolean':
      return valueV === 'true';
    case 'null':
      return null;
    default:
      return valueV;
  }
}
