// Override keys match whole authorities and path segments only (CONTRACT.md "Trust and quarantine").
import { describe, expect, it } from 'vitest';
import { keyMatchesSource, normaliseSourceKey, overrideCandidates } from '../../../src/main/node/trust/prefix.js';

describe('override keys', () => {
  it('are normalised like sources, without a trailing slash (except after ://)', () => {
    expect(normaliseSourceKey('  stigmem://Org-B.example/  ')).toBe('stigmem://org-b.example');
    expect(normaliseSourceKey('stigmem://org-b.example/Agent/Bot')).toBe('stigmem://org-b.example/agent/bot');
    expect(normaliseSourceKey('stigmem://org-b.example///')).toBe('stigmem://org-b.example');
  });

  it('refuse empty, over-long and control-character keys', () => {
    expect(normaliseSourceKey('')).toBeNull();
    expect(normaliseSourceKey('   ')).toBeNull();
    expect(normaliseSourceKey('stigmem://org-b.example\u0000')).toBeNull();
    expect(normaliseSourceKey('stigmem://org\nb')).toBeNull();
    expect(normaliseSourceKey(`stigmem://${'a'.repeat(2100)}`)).toBeNull();
  });

  it('refuse a scheme alone, which names no authority and would cover every source', () => {
    for (const k of ['stigmem://', 'stigmem:', 'stigmem:/', 'https://', 'stigmem:///']) expect(normaliseSourceKey(k), k).toBeNull();
  });
});

describe('prefix matching', () => {
  const source = 'stigmem://org-b.example/agent/bot';

  it('matches the source itself, its authority and each whole path segment', () => {
    expect(keyMatchesSource(source, source)).toBe(true);
    expect(keyMatchesSource('stigmem://org-b.example', source)).toBe(true);
    expect(keyMatchesSource('stigmem://org-b.example/agent', source)).toBe(true);
  });

  it('never matches a look-alike authority, another port or half a segment', () => {
    expect(keyMatchesSource('stigmem://org-b.example', 'stigmem://org-b.example.evil/agent/bot')).toBe(false);
    expect(keyMatchesSource('stigmem://org-b.example', 'stigmem://org-b.example:8080/agent/bot')).toBe(false);
    expect(keyMatchesSource('stigmem://org-b.example/age', source)).toBe(false);
    expect(keyMatchesSource('stigmem://org-b.example/agent/bo', source)).toBe(false);
    expect(keyMatchesSource('stigmem://org-b', source)).toBe(false);
    for (const k of ['stigmem://', 'stigmem:', 'stigmem:/']) expect(keyMatchesSource(k, source), k).toBe(false);
  });

  it('lists the candidate keys of a source, normalised', () => {
    expect(overrideCandidates('stigmem://Org-B.example/agent/Bot')).toEqual(expect.arrayContaining([
      'stigmem://org-b.example/agent/bot', 'stigmem://org-b.example/agent', 'stigmem://org-b.example',
    ]));
    expect(overrideCandidates('stigmem://org-b.example/agent/bot').filter((k) => !k.startsWith('stigmem://org-b.example'))).toEqual([]);
    expect(overrideCandidates('stigmem://org-b.example/agent/bot')).not.toContain('stigmem://org-b.example/agent/bo');
  });
});
