import { describe, expect, it } from 'vitest';
import { isSystemName, normaliseEntityUri, normaliseOrRaw, relationWarnings } from '../../../src/main/node/facts/normalise.js';

describe('entity normalisation (REFERENCE-NODE.md §10.5)', () => {
  it.each([
    ['stigmem://TestNode/User/Alice', 'stigmem://testnode/user/alice'],
    ['  stigmem://host/person/Ada  Lovelace \t', 'stigmem://host/person/ada-lovelace'],
    ['stigmem://host/doc/a\u3000b', 'stigmem://host/doc/a-b'],
    ['stigmem://host/doc/a\u001cb', 'stigmem://host/doc/a-b'],
    ['stigmem://host/doc/a\u0085b', 'stigmem://host/doc/a-b'],
    ['stigmem://host/doc/a/b/C', 'stigmem://host/doc/a/b/c'],
    ['Person: Ada  Lovelace', 'person:-ada-lovelace'],
    ['stigmem://HOST', 'stigmem://host'],
    ['\u00a0User:Bob\u2003', 'user:bob'],
  ])('%j → %j', (raw, want) => expect(normaliseEntityUri(raw)).toBe(want));

  it('keeps U+FEFF, which Python does not count as whitespace', () => {
    expect(normaliseEntityUri('\ufeffuser:bob')).toBe('\ufeffuser:bob');
  });

  it('is idempotent', () => {
    for (const raw of ['stigmem://A/B/C D', 'Foo Bar', 'x']) expect(normaliseEntityUri(normaliseEntityUri(raw))).toBe(normaliseEntityUri(raw));
  });

  it('refuses empty and whitespace-only values', () => {
    expect(() => normaliseEntityUri('')).toThrow('must not be empty');
    expect(() => normaliseEntityUri(' \t\u3000')).toThrow('must not be empty');
    expect(normaliseOrRaw('   ')).toBe('   ');
  });

  it('names system relations and warns about bare ones', () => {
    expect(isSystemName('stigmem:conflict:status')).toBe(true);
    expect(isSystemName('stigmem://host/user/a')).toBe(false);
    expect(relationWarnings('role')[0]).toContain('no namespace prefix');
    expect(relationWarnings('stigmem:x')[0]).toContain('reserved system prefix');
    expect(relationWarnings('memory:role')).toEqual([]);
  });
});
