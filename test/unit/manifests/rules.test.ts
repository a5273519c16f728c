// Pure manifest rules: timestamp parsing, the body validator under hostile input, the window, the limiter, repr.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/main/node/errors.js';
import { checkRotationEventCount, parseManifestBody, readEntityUri } from '../../../src/main/node/manifests/input.js';
import { pyStrRepr } from '../../../src/main/node/manifests/pyrepr.js';
import { RollingWindowLimiter } from '../../../src/main/node/manifests/rateLimit.js';
import { parseIsoTimestamp } from '../../../src/main/node/manifests/timestamps.js';
import { checkValidityWindow } from '../../../src/main/node/manifests/validity.js';

const us = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

function detailOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpError) return `${e.status} ${String(e.detail)}`;
    throw e;
  }
  return 'no error';
}

const VALID = {
  entity_uri: 'stigmem://org-a.example', key_id: 'k1', public_key: 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg',
  issued_at: '2026-01-01T00:00:00Z', expires_at: '2026-12-31T00:00:00Z', signature: 'sig',
};

describe('parseIsoTimestamp', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00Z'],
    ['2026-01-01T02:30:00+02:30', '2026-01-01T00:00:00Z'],
    ['2025-12-31T19:00:00-0500', '2026-01-01T00:00:00Z'],
    ['2026-01-01 00:00Z', '2026-01-01T00:00:00Z'],
    ['2024-02-29T12:00:00.5Z', '2024-02-29T12:00:00.500Z'],
  ])('reads %s', (text, iso) => {
    expect(parseIsoTimestamp(text)).toEqual({ ok: true, epochUs: us(iso) });
  });

  it('keeps microseconds and drops further digits, as Python does', () => {
    expect(parseIsoTimestamp('2026-01-01T00:00:00.123456789Z')).toEqual({ ok: true, epochUs: us('2026-01-01T00:00:00.123Z') + 456n });
  });

  it('handles years JavaScript dates get wrong', () => {
    expect(parseIsoTimestamp('0001-01-01T00:00:00Z')).toEqual({ ok: true, epochUs: -62135596800000000n });
    expect(parseIsoTimestamp('9999-12-31T23:59:59Z')).toEqual({ ok: true, epochUs: 253402300799000000n });
  });

  it.each(['2026-01-01T00:00:00', '2026-01-01', '2026-01-01T00:00'])('calls %s naive', (text) => {
    expect(parseIsoTimestamp(text)).toEqual({ ok: false, reason: 'naive' });
  });

  it.each([
    '', 'now', 'NaN', 'Infinity', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-04-31T00:00:00Z',
    '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+24:00', '0000-01-01T00:00:00Z',
    '2026-1-01T00:00:00Z', ' 2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z ', '2026-01-01T00:00:00ZZ', '1e10', '+2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.Z', '２０２６-01-01T00:00:00Z',
  ])('refuses %j', (text) => {
    expect(parseIsoTimestamp(text)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('checkValidityWindow', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const window = (issued: string, expires: string, mode: 'relaxed' | 'strict' = 'relaxed') =>
    detailOf(() => checkValidityWindow({ issued_at: issued, expires_at: expires }, now, mode));

  it('returns the expiry in milliseconds', () => {
    expect(checkValidityWindow(VALID, now, 'strict')).toBe(Date.parse('2026-12-31T00:00:00Z'));
  });

  it('applies the reference rules with its messages', () => {
    expect(window('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBe('422 expires_at must be after issued_at');
    expect(window('2026-01-01T00:00:00Z', '2028-01-02T00:00:00Z')).toBe('422 expires_at exceeds maximum of 730 days from issued_at');
    expect(window('2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toBe('no error');
    expect(window('2026-01-01T00:00:00Z', '2028-01-01T00:00:00.000001Z')).toBe('422 expires_at exceeds maximum of 730 days from issued_at');
  });

  it('allows 366 days in strict mode (a year across a leap day) and no more', () => {
    expect(window('2027-03-01T00:00:00Z', '2028-03-01T00:00:00Z', 'strict')).toBe('no error');
    expect(window('2026-01-01T00:00:00Z', '2027-01-02T00:00:01Z', 'strict')).toBe('422 expires_at exceeds 366-day limit enforced by trust_mode=strict');
    expect(window('2026-01-01T00:00:00Z', '2027-01-02T00:00:01Z', 'relaxed')).toBe('no error');
  });

  it('refuses an expired manifest and bad timestamps with a 422', () => {
    expect(window('2025-01-01T00:00:00Z', '2026-06-01T00:00:00Z')).toBe('422 manifest has already expired (expires_at is not in the future)');
    expect(window('2026-01-01T00:00:00', '2026-12-31T00:00:00Z')).toBe('422 invalid manifest: issued_at must carry a timezone (Z or ±HH:MM)');
    expect(window('2026-01-01T00:00:00Z', 'tomorrow')).toBe('422 invalid manifest: expires_at is not an ISO 8601 timestamp');
  });
});

describe('the PUT body validator', () => {
  it('reads entity_uri first, with the reference detail', () => {
    expect(detailOf(() => readEntityUri({}))).toBe('422 entity_uri is required');
    expect(detailOf(() => readEntityUri({ entity_uri: '' }))).toBe('422 entity_uri is required');
    expect(detailOf(() => readEntityUri({ entity_uri: null }))).toBe('422 entity_uri is required');
    expect(detailOf(() => readEntityUri({ entity_uri: 5 }))).toBe('422 entity_uri must be a string');
    expect(detailOf(() => readEntityUri({ entity_uri: ['x'] }))).toBe('422 entity_uri must be a string');
    expect(detailOf(() => readEntityUri({ entity_uri: 'x'.repeat(2049) }))).toBe('422 entity_uri must be at most 2048 characters');
    expect(detailOf(() => readEntityUri({ entity_uri: 'a b' }))).toBe('422 entity_uri must not contain whitespace or control characters');
  });

  it('caps rotation events at 100 before reading them', () => {
    expect(detailOf(() => checkRotationEventCount({ rotation_events: new Array(101).fill(7) }))).toBe('422 rotation_events must not exceed 100 entries');
    expect(detailOf(() => checkRotationEventCount({ rotation_events: new Array(100).fill(7) }))).toBe('no error');
  });

  it('reports a missing field as the reference KeyError does', () => {
    for (const key of ['key_id', 'public_key', 'issued_at', 'expires_at']) {
      const body: Record<string, unknown> = { ...VALID };
      delete body[key];
      expect(detailOf(() => parseManifestBody(body))).toBe(`422 invalid manifest: '${key}'`);
    }
    const event = { previous_key_id: 'a', new_key_id: 'b', new_public_key: 'c', rotated_at: 'd' };
    expect(detailOf(() => parseManifestBody({ ...VALID, rotation_events: [event] }))).toBe("422 invalid manifest: 'signature'");
  });

  it('refuses wrong types everywhere with a 422 naming the field', () => {
    const wrong: unknown[] = [null, 1, 1.5, true, [], {}, ['x']];
    for (const key of ['key_id', 'public_key', 'issued_at', 'expires_at']) {
      for (const v of wrong) {
        expect(detailOf(() => parseManifestBody({ ...VALID, [key]: v }))).toBe(`422 invalid manifest: ${key} must be a string`);
      }
    }
    expect(detailOf(() => parseManifestBody({ ...VALID, signature: 5 }))).toBe('422 invalid manifest: signature must be a string');
    expect(detailOf(() => parseManifestBody({ ...VALID, entities: 'x' }))).toBe('422 invalid manifest: entities must be an array of strings');
    expect(detailOf(() => parseManifestBody({ ...VALID, entities: ['ok', 3] }))).toBe('422 invalid manifest: entities[1] must be a non-empty string');
    expect(detailOf(() => parseManifestBody({ ...VALID, entities: new Array(1001).fill('e') }))).toBe('422 invalid manifest: entities must not exceed 1000 entries');
    expect(detailOf(() => parseManifestBody({ ...VALID, rotation_events: {} }))).toBe('422 invalid manifest: rotation_events must be an array');
    expect(detailOf(() => parseManifestBody({ ...VALID, rotation_events: ['x'] }))).toBe('422 invalid manifest: rotation_events[0] must be an object');
    expect(detailOf(() => parseManifestBody({ ...VALID, rotation_events: [{ previous_key_id: 1 }] })))
      .toBe('422 invalid manifest: rotation_events[0].previous_key_id must be a string');
    expect(detailOf(() => parseManifestBody({ ...VALID, key_id: '' }))).toBe('422 invalid manifest: key_id must not be empty');
    expect(detailOf(() => parseManifestBody({ ...VALID, key_id: 'k'.repeat(513) }))).toBe('422 invalid manifest: key_id must be at most 512 characters');
    expect(detailOf(() => parseManifestBody({ ...VALID, issued_at: '2'.repeat(65) }))).toBe('422 invalid manifest: issued_at must be at most 64 characters');
    for (const v of [2, 0, '1', 1.5, true]) {
      expect(detailOf(() => parseManifestBody({ ...VALID, manifest_version: v }))).toBe('422 invalid manifest: manifest_version must be 1');
    }
  });

  it('reads a valid body, ignoring unknown keys and empty previous_public_key', () => {
    const event = { previous_key_id: 'a', new_key_id: 'b', new_public_key: 'c', rotated_at: 'd', signature: 's', previous_public_key: '', extra: 1 };
    const m = parseManifestBody({ ...VALID, manifest_version: 1, rotation_events: [event], entities: ['e'], surplus: { deep: [1] } });
    expect(m).toEqual({
      ...VALID, manifest_version: 1, entities: ['e'],
      rotation_events: [{ previous_key_id: 'a', new_key_id: 'b', new_public_key: 'c', rotated_at: 'd', signature: 's', previous_public_key: '' }],
    });
    const { signature: _omitted, ...unsigned } = VALID;
    expect(parseManifestBody(unsigned).signature).toBe('');
    expect(parseManifestBody({ ...VALID, signature: null }).signature).toBe('');
  });
});

describe('RollingWindowLimiter', () => {
  it('allows `limit` hits per window per key and says when to retry', () => {
    const limiter = new RollingWindowLimiter(3, 60_000);
    expect(limiter.hit('a', 0).allowed).toBe(true);
    expect(limiter.hit('a', 10_000).allowed).toBe(true);
    expect(limiter.hit('a', 20_000).allowed).toBe(true);
    expect(limiter.hit('a', 30_000)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.hit('b', 30_000).allowed).toBe(true);
    expect(limiter.hit('a', 59_999.5)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.hit('a', 60_001).allowed).toBe(true);
    expect(limiter.hit('a', 60_002).allowed).toBe(false);
  });

  it('stays bounded under a stream of new keys', () => {
    const limiter = new RollingWindowLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i++) limiter.hit(`k${i}`, i);
    expect((limiter as unknown as { hits: Map<string, number[]> }).hits.size).toBeLessThanOrEqual(100);
    // The most recent keys are still limited.
    expect(limiter.hit('k999', 1000).allowed).toBe(false);
  });
});

describe('pyStrRepr', () => {
  it('quotes as Python repr does', () => {
    expect(pyStrRepr('abc')).toBe("'abc'");
    expect(pyStrRepr("it's")).toBe('"it\'s"');
    expect(pyStrRepr('both \' and "')).toBe("'both \\' and \"'");
    expect(pyStrRepr('a\\b\nc\u0001é')).toBe("'a\\\\b\\nc\\x01é'");
  });
});
