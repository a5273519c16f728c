// Pure rules behind POST /v1/auth/keys: Python-style list wording and expiry parsing.
import { describe, expect, it } from 'vitest';
import { parseExpiry, pyStrListRepr } from '../../../src/main/node/auth/routes.js';

describe('pyStrListRepr', () => {
  it('words lists as Python repr does', () => {
    expect(pyStrListRepr([])).toBe('[]');
    expect(pyStrListRepr(['read', 'write'])).toBe("['read', 'write']");
    expect(pyStrListRepr(["it's"])).toBe('["it\'s"]');
    expect(pyStrListRepr(['a\'b"c'])).toBe("['a\\'b\"c']");
    expect(pyStrListRepr(['back\\slash', 'tab\tnew\nline', '\u0001'])).toBe("['back\\\\slash', 'tab\\tnew\\nline', '\\x01']");
  });
});

describe('parseExpiry', () => {
  it('reads zoned, naive (UTC) and date-only timestamps', () => {
    expect(parseExpiry('2026-06-01T00:00:00Z')).toBe(Date.parse('2026-06-01T00:00:00Z'));
    expect(parseExpiry('2026-06-01T02:00:00+02:00')).toBe(Date.parse('2026-06-01T00:00:00Z'));
    expect(parseExpiry('2026-06-01T00:00:00.5')).toBe(Date.parse('2026-06-01T00:00:00.500Z'));
    expect(parseExpiry('2026-06-01')).toBe(Date.parse('2026-06-01T00:00:00Z'));
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'now', '2026-06-01T25:00:00Z', '1748736000', '2026-06-01T00:00:00+2', '2026/06/01']) expect(parseExpiry(bad), bad).toBeNull();
  });
});
