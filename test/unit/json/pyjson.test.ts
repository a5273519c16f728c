import { describe, expect, it } from 'vitest';
import { encodeJson, pyFloatRepr, pyFloat, RawJson } from '../../../src/main/node/json/pyjson.js';
import { canonicalAscii, canonicalJcs } from '../../../src/main/node/json/canonical.js';

describe('pyFloatRepr (Python repr of a float)', () => {
  it.each([
    [1, '1.0'], [0.85, '0.85'], [0.9, '0.9'], [1e-5, '1e-05'], [1e16, '1e+16'], [1.5e16, '1.5e+16'], [0.0001, '0.0001'],
    [123456789012345680, '1.2345678901234568e+17'], [42.5, '42.5'], [42, '42.0'], [-0, '-0.0'], [0, '0.0'], [1e22, '1e+22'],
    [9999999999999998, '9999999999999998.0'], [0.1 + 0.2, '0.30000000000000004'], [-2.5e-7, '-2.5e-07'], [1234.5678, '1234.5678'],
  ])('%s → %s', (x, want) => expect(pyFloatRepr(x)).toBe(want));

  it('answers a remembered value exactly as the first time, and keeps 0.0 and -0.0 apart', () => {
    const xs = [0.9, 0.1 + 0.2, 1e-5, 42, 0, -0, -2.5e-7, 1e16];
    const first = xs.map((x) => pyFloatRepr(x));
    expect(xs.map((x) => pyFloatRepr(x))).toEqual(first);
    expect([pyFloatRepr(0), pyFloatRepr(-0), pyFloatRepr(0)]).toEqual(['0.0', '-0.0', '0.0']);
  });

  it('keeps answering once it has stopped remembering new values', () => {
    for (let i = 1; i <= 1100; i++) expect(pyFloatRepr(i / 1024)).toBe(String(i / 1024).includes('.') ? String(i / 1024) : `${i / 1024}.0`);
  });

  it('refuses NaN and Infinity', () => {
    expect(() => pyFloatRepr(Number.NaN)).toThrow();
    expect(() => pyFloatRepr(Infinity)).toThrow();
  });
});

describe('encodeJson', () => {
  it('writes Python-style compact JSON with raw UTF-8', () => {
    expect(encodeJson({ b: 'é', a: [1, pyFloat(1), null, true], c: new RawJson('42.0') })).toBe('{"b":"é","a":[1,1.0,null,true],"c":42.0}');
  });
  it('escapes control characters the way Python json does, but not / or U+2028', () => {
    expect(encodeJson('a"\\\n\r\t\b\f\u0001/\u2028\u007f')).toBe('"a\\"\\\\\\n\\r\\t\\b\\f\\u0001/\u2028\u007f"');
  });
  it('canonical flavours sort keys by code point; ASCII flavour escapes non-ASCII with surrogate pairs', () => {
    expect(canonicalJcs({ b: 1, a: 'é', A: 2 })).toBe('{"A":2,"a":"é","b":1}');
    expect(canonicalAscii({ a: 'é😀' })).toBe('{"a":"\\u00e9\\ud83d\\ude00"}');
  });
});

describe('the direct CID body', () => {
  it('is byte-identical to the generic canonical encoder, escapes included', async () => {
    const { cidBody, cidBodyViaEncoder } = await import('../../../src/main/node/facts/cid.js');
    const cases = [
      { entity: 'stigmem://a/e/1', relation: 'memory:role', valueType: 'string', valueV: 'engineer', source: 's', scope: 'company', confidence: 1 },
      { entity: 'é "q" \\ \n\u0001\u2028😀', relation: 'r', valueType: 'number', valueV: '42.0', source: 'x\ty', scope: 'public', confidence: 1e-5 },
      { entity: '', relation: '', valueType: 'null', valueV: 'null', source: '', scope: 'local', confidence: 0 },
    ];
    for (const c of cases) expect(cidBody(c)).toBe(cidBodyViaEncoder(c));
  });

  it('escapes DEL only in the ASCII flavour, as Python does', () => {
    expect(canonicalAscii('\u007f')).toBe('"\\u007f"');
    expect(canonicalJcs('\u007f')).toBe('"\u007f"');
  });
});
