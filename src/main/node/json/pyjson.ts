// JSON text as the reference node's Python encoder writes it: Python float repr, raw number literals kept verbatim.

/** A value that the encoder writes verbatim (already valid JSON text). */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

// Confidences and trust scores repeat (1.0, 0.9, 0.5 ...): their repr is remembered, a bounded number of them.
const reprs = new Map<number, string>();

/** Python `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError('NaN and Infinity are not JSON');
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'; // before the memo: a Map key cannot tell -0 from 0
  let r = reprs.get(x);
  if (r === undefined) {
    r = computeRepr(x);
    if (reprs.size < 1024) reprs.set(x, r);
  }
  return r;
}

function computeRepr(x: number): string {
  const sign = x < 0 ? '-' : '';
  const [mant = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** A float that must be written with Python repr (`1.0`, not `1`). */
export function pyFloat(x: number): RawJson {
  return new RawJson(pyFloatRepr(x));
}

export interface EncodeOptions {
  /** Sort object keys by code point (the canonical flavours). */
  sortKeys?: boolean;
  /** Escape every code point above 0x7E as \uXXXX (Python's ensure_ascii=True). */
  asciiOnly?: boolean;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function hex4(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

// Strings with nothing to escape (the common case) skip the per-character loop.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const NEEDS_ESCAPE_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/;

export function encodeString(s: string, asciiOnly = false): string {
  if (!(asciiOnly ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE).test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20) out += hex4(code);
    else if (asciiOnly && code > 0x7e) out += hex4(code);
    else out += ch;
  }
  return out + '"';
}

const HAS_SURROGATE = /[\ud800-\udfff]/;

function compareCodePoints(a: string, b: string): number {
  // UTF-16 order equals code point order unless a surrogate is involved (astral characters): only then compare slowly.
  if (!HAS_SURROGATE.test(a) && !HAS_SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const ai = Array.from(a);
  const bi = Array.from(b);
  const n = Math.min(ai.length, bi.length);
  for (let i = 0; i < n; i++) {
    const d = (ai[i] as string).codePointAt(0)! - (bi[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ai.length - bi.length;
}

function encodeValue(v: unknown, opts: EncodeOptions, depth: number): string {
  if (depth > 512) throw new RangeError('value nested too deeply to encode');
  if (v === null) return 'null';
  if (v instanceof RawJson) return v.text;
  switch (typeof v) {
    case 'string':
      return encodeString(v, opts.asciiOnly);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new RangeError('NaN and Infinity are not JSON');
      // Integers stay integers; a non-integral JS number is a float and gets Python repr.
      return Number.isInteger(v) ? (Object.is(v, -0) ? '0' : String(v)) : pyFloatRepr(v);
    case 'bigint':
      return v.toString();
    case 'object': {
      if (Array.isArray(v)) return '[' + v.map((x) => encodeValue(x === undefined ? null : x, opts, depth + 1)).join(',') + ']';
      const maybe = v as { toJSON?: () => unknown };
      if (typeof maybe.toJSON === 'function' && !(v instanceof RawJson)) return encodeValue(maybe.toJSON(), opts, depth + 1);
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (opts.sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b));
      return '{' + entries.map(([k, x]) => encodeString(k, opts.asciiOnly) + ':' + encodeValue(x, opts, depth + 1)).join(',') + '}';
    }
    default:
      throw new TypeError(`cannot encode ${typeof v} as JSON`);
  }
}

/** Compact JSON in the reference's style (insertion order, raw UTF-8). */
export function encodeJson(v: unknown, opts: EncodeOptions = {}): string {
  return encodeValue(v, opts, 0);
}
