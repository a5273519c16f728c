// The preload exposes exactly `window.stigmem`: one method per contract operation, each an invoke on its channel.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OPERATION_NAMES, splitOperationName } from '../../../src/shared/contract.js';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (channel: string, arg: unknown) => ({ ok: true, value: { channel, arg } }));

// The real 'electron' package would try to download its binary; the preload only needs these two objects.
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
  ipcRenderer: { invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() },
}));

beforeAll(async () => {
  await import('../../../src/preload/index.js');
});

type Api = Record<string, Record<string, (arg?: unknown) => Promise<unknown>>>;

describe('the preload', () => {
  it('exposes one object, window.stigmem', () => {
    expect([...exposed.keys()]).toEqual(['stigmem']);
  });

  it('has one method per operation and nothing else', () => {
    const api = exposed.get('stigmem') as Api;
    const methods = Object.entries(api).flatMap(([domain, part]) => Object.keys(part).map((verb) => `${domain}:${verb}`));
    expect(methods.sort()).toEqual([...OPERATION_NAMES].sort());
    for (const part of Object.values(api)) for (const fn of Object.values(part)) expect(typeof fn).toBe('function');
  });

  it('invokes each operation on its own channel with only the argument', async () => {
    const api = exposed.get('stigmem') as Api;
    for (const op of OPERATION_NAMES) {
      invoke.mockClear();
      const { domain, verb } = splitOperationName(op);
      const reply = await api[domain]![verb]!({ limit: 3 });
      expect(invoke).toHaveBeenCalledExactlyOnceWith(op, { limit: 3 });
      expect(reply).toEqual({ ok: true, value: { channel: op, arg: { limit: 3 } } });
    }
  });

  it('hands the page no ipcRenderer and no generic invoke', () => {
    const seen = new Set<unknown>();
    const walk = (x: unknown): void => {
      if (x === null || (typeof x !== 'object' && typeof x !== 'function') || seen.has(x)) return;
      seen.add(x);
      expect(x).not.toHaveProperty('invoke');
      expect(x).not.toHaveProperty('send');
      expect(x).not.toHaveProperty('sendSync');
      for (const v of Object.values(x as object)) walk(v);
    };
    walk(exposed.get('stigmem'));
  });
});
