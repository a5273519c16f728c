import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, MAX_JSON_DEPTH, numberLiteral, parseJson, parseJsonBytes, parseJsonBytesFast } from '../../../src/main/node/json/parse.js';

describe('parseJson', () => {
  it('parses what JSON.parse parses', () => {
    const doc = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n\\ud83d\\ude00"],"b":{"c":{}}, "d": [] }';
    expect(parseJson(doc)).toEqual(JSON.parse(doc));
  });

  it('remembers number literals so 42 and 42.0 stay distinct', () => {
    const v = parseJson('{"value":{"type":"number","v":42.0},"n":42,"arr":[1e3]}') as { value: object; arr: unknown[] };
    expect(numberLiteral(v.value, 'v')).toBe('42.0');
    expect(numberLiteral(v, 'n')).toBe('42');
    expect(numberLiteral(v.arr, 0)).toBe('1e3');
  });

  it.each([
    ['NaN', '{"v": NaN}'],
    ['Infinity', '{"v": Infinity}'],
    ['trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['leading zero', '{"a":01}'],
    ['lone high surrogate escape', '"\\ud800"'],
    ['lone low surrogate escape', '"\\udc00x"'],
    ['raw control character', '"a\u0001b"'],
    ['bad escape', '"\\x41"'],
    ['trailing garbage', '{} {}'],
    ['empty', ''],
    ['huge exponent', '1e400'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseJson(text)).toThrow(JsonSyntaxError);
  });

  it('rejects nesting deeper than the limit without a stack overflow', () => {
    expect(() => parseJson('['.repeat(100_000) + ']'.repeat(100_000))).toThrow(`nesting deeper than ${MAX_JSON_DEPTH}`);
    expect(parseJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeDefined();
  });

  it('keeps __proto__ as data instead of changing the prototype', () => {
    const v = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(v)).toEqual(['__proto__']);
  });

  it('rejects invalid UTF-8 bytes', () => {
    expect(() => parseJsonBytes(Buffer.from([0x22, 0xff, 0xfe, 0x22]))).toThrow('not valid UTF-8');
    expect(parseJsonBytes(Buffer.from('"é"', 'utf8'))).toBe('é');
  });
});

describe('parseJsonBytesFast', () => {
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  it('answers as the strict parser does, natively where no literal matters', () => {
    const doc = '{"facts":[{"id":"a","value":{"type":"string","v":"x é"},"confidence":0.9}],"cursor":"1","has_more":false}';
    expect(parseJsonBytesFast(bytes(doc), () => false)).toEqual(parseJson(doc));
  });

  it('keeps number literals when asked, and still refuses lone surrogates and bad UTF-8', () => {
    const withNumber = parseJsonBytesFast(bytes('{"value":{"type":"number","v":42.0}}'), () => true) as { value: object };
    expect(numberLiteral(withNumber.value, 'v')).toBe('42.0');
    expect(() => parseJsonBytesFast(bytes('{"v":"\\ud800"}'), () => false)).toThrow(JsonSyntaxError);
    expect(parseJsonBytesFast(bytes('{"v":"\\ud83d\\ude00"}'), () => false)).toEqual({ v: '😀' });
    expect(() => parseJsonBytesFast(Buffer.from([0x7b, 0xff, 0x7d]), () => false)).toThrow(/UTF-8/);
    expect(() => parseJsonBytesFast(bytes('{"a":1,}'), () => false)).toThrow(JsonSyntaxError);
  });
});
