import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/main/node/errors.js';
import { parseJson } from '../../../src/main/node/json/parse.js';
import { encodeJson } from '../../../src/main/node/json/pyjson.js';
import { encodeFactValue, parseIsoDatetimeMs, pythonNumberText, wireValueV } from '../../../src/main/node/facts/values.js';

/** The value object as the body parser hands it over, number literal text included. */
function parsedValue(json: string) {
  return parseJson(json) as { type: string; v?: unknown; interpret_as?: string };
}

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof HttpError ? e.status : -1;
  }
  return undefined;
}

describe('value_v as Python str()', () => {
  it.each([
    ['42', '42'], ['42.0', '42.0'], ['42.5', '42.5'], ['-0', '0'], ['-0.0', '-0.0'], ['1E5', '100000.0'], ['1e16', '1e+16'],
    ['0.1e-6', '1e-07'], ['123456789012345678901234567890', '123456789012345678901234567890'], ['12345678901234567890.5', '1.2345678901234567e+19'],
    ['0.85', '0.85'], ['-7', '-7'],
  ])('number literal %s → %s (checked against CPython)', (literal, want) => {
    expect(pythonNumberText(literal)).toBe(want);
    expect(encodeFactValue(parsedValue(`{"type":"number","v":${literal}}`), ['body', 'value']).valueV).toBe(want);
  });

  it('refuses integer literals longer than CPython parses', () => {
    expect(() => pythonNumberText('9'.repeat(4301))).toThrow(RangeError);
    expect(pythonNumberText('9'.repeat(300))).toBe('9'.repeat(300));
  });

  it('encodes booleans, null and strings like the reference', () => {
    expect(encodeFactValue({ type: 'boolean', v: false }, []).valueV).toBe('false');
    expect(encodeFactValue({ type: 'boolean', v: true }, []).valueV).toBe('true');
    expect(encodeFactValue({ type: 'null' }, []).valueV).toBe('null');
    expect(encodeFactValue({ type: 'null', v: null }, []).valueV).toBe('null');
    expect(encodeFactValue({ type: 'ref', v: 'stigmem://a/b/c' }, []).valueV).toBe('stigmem://a/b/c');
    expect(encodeFactValue({ type: 'text', v: 'x', interpret_as: 'instruction' }, []).interpretAs).toBe('instruction');
  });

  it.each([
    [{ type: 'string', v: 1 }], [{ type: 'string' }], [{ type: 'text', v: null }], [{ type: 'number', v: '42' }], [{ type: 'number', v: true }],
    [{ type: 'boolean', v: 'false' }], [{ type: 'boolean', v: 0 }], [{ type: 'null', v: 'x' }], [{ type: 'null', v: false }],
    [{ type: 'datetime', v: 'tomorrow' }], [{ type: 'datetime', v: '2026-02-30T00:00:00Z' }], [{ type: 'ref', v: ['x'] }],
    [{ type: 'bytes', v: 'aGVsbG8=' }], [{ type: 'string', v: 'x', interpret_as: 'command' }],
  ])('refuses %j with 422', (value) => {
    expect(statusOf(() => encodeFactValue(value, ['body', 'value']))).toBe(422);
  });

  it('refuses string values over 64 KB of UTF-8 with 413, counting bytes not characters', () => {
    expect(statusOf(() => encodeFactValue({ type: 'text', v: 'a'.repeat(65536) }, []))).toBeUndefined();
    expect(statusOf(() => encodeFactValue({ type: 'text', v: 'a'.repeat(65537) }, []))).toBe(413);
    expect(statusOf(() => encodeFactValue({ type: 'string', v: 'é'.repeat(32769) }, []))).toBe(413);
  });

  it('serves numbers so that str(parsed) reproduces value_v', () => {
    expect(encodeJson({ v: wireValueV('number', '42') })).toBe('{"v":42}');
    expect(encodeJson({ v: wireValueV('number', '42.0') })).toBe('{"v":42.0}');
    expect(encodeJson({ v: wireValueV('number', '1e-07') })).toBe('{"v":1e-07}');
    expect(encodeJson({ v: wireValueV('boolean', 'false') })).toBe('{"v":false}');
    expect(encodeJson({ v: wireValueV('null', 'null') })).toBe('{"v":null}');
    expect(encodeJson({ v: wireValueV('string', '42') })).toBe('{"v":"42"}');
  });
});

describe('parseIsoDatetimeMs', () => {
  it.each([
    ['2030-01-01T00:00:00Z', Date.UTC(2030, 0, 1)],
    ['2030-01-01T01:00:00+01:00', Date.UTC(2030, 0, 1)],
    ['2030-01-01T00:00:00.123456+00:00', Date.UTC(2030, 0, 1, 0, 0, 0, 123)],
    ['2030-01-01', Date.UTC(2030, 0, 1)],
    ['2030-01-01 00:00', Date.UTC(2030, 0, 1)],
    ['2024-02-29T12:00:00-0230', Date.UTC(2024, 1, 29, 14, 30)],
  ])('%s', (text, ms) => expect(parseIsoDatetimeMs(text)).toBe(ms));

  it.each(['', 'now', '2030-13-01', '2023-02-29', '2030-01-01T24:00:00Z', '2030-01-01T00:00:00+25:00', '2030-01-01T00:00:00ZZ', ' 2030-01-01'])(
    'refuses %j',
    (text) => expect(parseIsoDatetimeMs(text)).toBeNull(),
  );
});
