// The admin contract: names, derived channels and paths, and validators that refuse hostile arguments.
import { describe, expect, it } from 'vitest';
import { buildStigmemApi } from '../../../src/shared/client.js';
import { ADMIN_OPERATIONS, consoleApiPath, ipcChannelOf, isOperationName, OPERATION_NAMES } from '../../../src/shared/contract.js';
import { isResultEnvelope, ok } from '../../../src/shared/result.js';
import { DEFAULT_RECENT_FACTS_LIMIT, MAX_RECENT_FACTS_LIMIT, validateNoArgument, validateRecentFactsQuery } from '../../../src/shared/validators.js';

describe('operation names', () => {
  it('are domain:verb, and the channel and console path come from the name', () => {
    expect(OPERATION_NAMES).toEqual(['node:startup', 'node:status', 'facts:recent', 'facts:search', 'facts:detail', 'identity:publicKey', 'identity:overview', 'identity:backup', 'identity:rotate', 'identity:firstRun', 'peers:list', 'peers:add', 'peers:repin', 'peers:remove', 'quarantine:list', 'quarantine:decide', 'trust:list', 'trust:set', 'trust:clear', 'manifest:current', 'manifest:publish', 'manifest:export', 'tokens:list', 'tokens:issue', 'tokens:revoke', 'data:overview', 'data:backup', 'data:progress', 'data:inspect', 'data:restore', 'data:schedule', 'audit:list']);
    for (const op of OPERATION_NAMES) {
      expect(op).toMatch(/^[a-z]+:[a-zA-Z]+$/);
      expect(ipcChannelOf(op)).toBe(op);
      expect(consoleApiPath(op)).toBe(`/console/api/${op}`);
    }
  });

  it('offer nothing that hands out private key material', () => {
    expect(OPERATION_NAMES.filter((op) => /priv|secret|seed/i.test(op))).toEqual([]);
  });

  it('recognise only the contract own names (not prototype keys)', () => {
    expect(isOperationName('node:status')).toBe(true);
    for (const hostile of ['toString', '__proto__', 'constructor', 'node:status ', '', 42, null, undefined, {}]) {
      expect(isOperationName(hostile)).toBe(false);
    }
  });

  it('build one client method per operation, each calling its own operation', async () => {
    const calls: [string, unknown][] = [];
    const api = buildStigmemApi(async (op, arg) => {
      calls.push([op, arg]);
      return ok(op);
    });
    expect(Object.keys(api).sort()).toEqual(['audit', 'data', 'facts', 'identity', 'manifest', 'node', 'peers', 'quarantine', 'tokens', 'trust']);
    expect(Object.keys(api.peers).sort()).toEqual(['add', 'list', 'remove', 'repin']);
    expect(await api.node.startup()).toEqual({ ok: true, value: 'node:startup' });
    expect(await api.node.status()).toEqual({ ok: true, value: 'node:status' });
    expect(await api.facts.recent({ limit: 3 })).toEqual({ ok: true, value: 'facts:recent' });
    expect(await api.identity.publicKey()).toEqual({ ok: true, value: 'identity:publicKey' });
    expect(calls).toEqual([
      ['node:startup', undefined],
      ['node:status', undefined],
      ['facts:recent', { limit: 3 }],
      ['identity:publicKey', undefined],
    ]);
  });
});

describe('validateNoArgument', () => {
  it('accepts nothing, null and an empty object', () => {
    for (const arg of [undefined, null, {}, JSON.parse('{}')]) expect(validateNoArgument(arg)).toEqual({ ok: true, value: undefined });
  });

  it('refuses anything else', () => {
    const hostile: unknown[] = [0, '', 'x', [], [1], { a: 1 }, JSON.parse('{"__proto__": {"admin": true}}'), () => 1, new Date(), Object.create({ inherited: 1 }), Symbol('s')];
    for (const arg of hostile) {
      const r = validateNoArgument(arg);
      expect(r.ok, String(typeof arg)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('validation_failed');
    }
  });
});

describe('validateRecentFactsQuery', () => {
  it('defaults the limit and accepts whole numbers in range', () => {
    expect(validateRecentFactsQuery(undefined)).toEqual({ ok: true, value: { limit: DEFAULT_RECENT_FACTS_LIMIT } });
    expect(validateRecentFactsQuery(null)).toEqual({ ok: true, value: { limit: DEFAULT_RECENT_FACTS_LIMIT } });
    expect(validateRecentFactsQuery({})).toEqual({ ok: true, value: { limit: DEFAULT_RECENT_FACTS_LIMIT } });
    expect(validateRecentFactsQuery({ limit: 1 })).toEqual({ ok: true, value: { limit: 1 } });
    expect(validateRecentFactsQuery({ limit: MAX_RECENT_FACTS_LIMIT })).toEqual({ ok: true, value: { limit: MAX_RECENT_FACTS_LIMIT } });
  });

  it('refuses wrong types, out-of-range numbers and extra fields with a message', () => {
    const hostile: unknown[] = [
      5,
      'limit=5',
      [],
      [{ limit: 5 }],
      { limit: 0 },
      { limit: -1 },
      { limit: MAX_RECENT_FACTS_LIMIT + 1 },
      { limit: 1.5 },
      { limit: Number.NaN },
      { limit: Number.POSITIVE_INFINITY },
      { limit: 1e308 },
      { limit: '5' },
      { limit: null },
      { limit: true },
      { limit: { valueOf: () => 5 } },
      { limit: 5, offset: 0 },
      JSON.parse('{"limit": 5, "__proto__": {"polluted": true}}'),
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
      { ['x'.repeat(100_000)]: 1 },
      new Map([['limit', 5]]),
    ];
    for (const arg of hostile) {
      const r = validateRecentFactsQuery(arg);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('validation_failed');
        expect(r.error.message.length).toBeLessThan(120);
      }
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('every operation validator', () => {
  it('never throws on hostile input', () => {
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 10_000; i++) cur = cur['a'] = {};
    const hostile: unknown[] = [deep, new Proxy({}, { ownKeys: () => [] }), Object.create(null), BigInt(1), new Uint8Array(4)];
    for (const op of OPERATION_NAMES) for (const arg of hostile) expect(() => ADMIN_OPERATIONS[op].validate(arg)).not.toThrow();
  });
});

describe('isResultEnvelope', () => {
  it('accepts only well-formed envelopes', () => {
    expect(isResultEnvelope({ ok: true, value: 1 })).toBe(true);
    expect(isResultEnvelope({ ok: true, value: null })).toBe(true);
    expect(isResultEnvelope({ ok: false, error: { code: 'x', message: 'y' } })).toBe(true);
    for (const bad of [null, 1, 'ok', { ok: true }, { ok: 'true', value: 1 }, { ok: false }, { ok: false, error: { code: 1, message: 'y' } }, { ok: false, error: 'x' }]) {
      expect(isResultEnvelope(bad)).toBe(false);
    }
  });
});
