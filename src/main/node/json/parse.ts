// A strict JSON parser that remembers each number's literal text, so `42` and `42.0` stay distinct as Python sees them.

export const MAX_JSON_DEPTH = 64;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

const numberLiterals = new WeakMap<object, Map<string, string>>();

/** The literal text of a number member as it appeared in the parsed JSON (`"42.0"`), if any. */
export function numberLiteral(container: object, key: string | number): string | undefined {
  return numberLiterals.get(container)?.get(String(key));
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseDocument(): unknown {
    this.ws();
    const v = this.value(0, null, '');
    this.ws();
    if (this.pos !== this.s.length) this.fail('unexpected trailing characters');
    return v;
  }

  private fail(msg: string): never {
    throw new JsonSyntaxError(msg, this.pos);
  }

  private ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  private value(depth: number, parent: object | null, key: string): unknown {
    if (depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH}`);
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number(parent, key);
        return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`);
    }
  }

  private word<T>(w: string, v: T): T {
    if (this.s.startsWith(w, this.pos)) {
      this.pos += w.length;
      return v;
    }
    return this.fail('invalid literal');
  }

  private number(parent: object | null, key: string): number {
    const start = this.pos;
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = start;
    const hit = m.exec(this.s);
    if (!hit) this.fail('invalid number');
    this.pos = start + hit[0].length;
    const n = Number(hit[0]);
    if (!Number.isFinite(n)) this.fail('number out of range');
    if (parent) {
      let lits = numberLiterals.get(parent);
      if (!lits) numberLiterals.set(parent, (lits = new Map()));
      lits.set(key, hit[0]);
    }
    return n;
  }

  private string(): string {
    const s = this.s;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(chunkStart, this.pos);
        this.pos++;
        break;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(this.pos + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          this.pos += 2;
          continue;
        }
        this.fail('lone surrogate in string');
      }
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(chunkStart, this.pos);
      out += this.escape();
      chunkStart = this.pos;
    }
    return out;
  }

  private escape(): string {
    const e = this.s[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hi = this.hex4();
        if (hi >= 0xd800 && hi <= 0xdbff) {
          if (this.s[this.pos] === '\\' && this.s[this.pos + 1] === 'u') {
            this.pos += 2;
            const lo = this.hex4();
            if (lo >= 0xdc00 && lo <= 0xdfff) return String.fromCharCode(hi, lo);
          }
          this.fail('lone surrogate escape in string');
        }
        if (hi >= 0xdc00 && hi <= 0xdfff) this.fail('lone surrogate escape in string');
        return String.fromCharCode(hi);
      }
      default:
        return this.fail('invalid escape');
    }
  }

  private hex4(): number {
    const h = this.s.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid \\u escape');
    this.pos += 4;
    return parseInt(h, 16);
  }

  private object(depth: number): Record<string, unknown> {
    this.pos++;
    const obj: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.s[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.ws();
      const v = this.value(depth + 1, obj, key);
      // defineProperty keeps a "__proto__" key as data instead of changing the prototype.
      if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      else obj[key] = v;
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === '}') return obj;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): unknown[] {
    this.pos++;
    const arr: unknown[] = [];
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return arr;
    }
    for (;;) {
      this.ws();
      arr.push(this.value(depth + 1, arr, String(arr.length)));
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === ']') return arr;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }
}

/** Parse JSON text; throws JsonSyntaxError on anything RFC 8259 does not allow, lone surrogates and depth > 64. */
export function parseJson(text: string): unknown {
  return new Parser(text).parseDocument();
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decode UTF-8 strictly (invalid sequences throw) and parse. */
export function parseJsonBytes(buf: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    throw new JsonSyntaxError('body is not valid UTF-8', 0);
  }
  return parseJson(text);
}

// A \u escape of a surrogate (paired or lone): only the strict parser tells the two apart.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Native JSON.parse where it gives the same answer as the strict parser: no surrogate escapes in the text and
 * `needsLiterals` (asked of the parsed document) says no number literal matters. Otherwise the strict parser.
 */
export function parseJsonBytesFast(buf: Uint8Array, needsLiterals: (doc: unknown) => boolean): unknown {
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    throw new JsonSyntaxError('body is not valid UTF-8', 0);
  }
  if (SURROGATE_ESCAPE.test(text)) return parseJson(text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return parseJson(text); // the strict parser's error names the position
  }
  return needsLiterals(doc) ? parseJson(text) : doc;
}
