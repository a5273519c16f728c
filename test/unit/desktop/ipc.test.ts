// IPC binding against a real node: every operation on its channel, senders checked, arguments validated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindAdminOperations, type IpcMainLike } from '../../../src/main/desktop/ipc.js';
import type { NodeDeps } from '../../../src/main/node/server/deps.js';
import { OPERATION_NAMES, type NodeStartup } from '../../../src/shared/contract.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

type Handler = Parameters<IpcMainLike['handle']>[1];
const APP_URL = 'file:///opt/stigmem/out/renderer/index.html';

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainLike = {
    handle: (channel, fn) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

const fromApp = { senderFrame: { url: APP_URL } };

describe('bindAdminOperations', () => {
  let node: TestNode;
  let deps: NodeDeps | null;
  let startup: NodeStartup = { phase: 'ready' };
  const { ipcMain, handlers } = fakeIpcMain();
  let unbind: () => void;

  beforeAll(async () => {
    node = await makeTestNode();
    deps = node.deps;
    unbind = bindAdminOperations(ipcMain, { currentDeps: () => deps, startup: () => startup, isTrustedSender: (url) => url === APP_URL });
  });
  afterAll(async () => {
    await node.close();
  });

  it('binds every operation on its derived channel', () => {
    expect([...handlers.keys()].sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it('answers the app page with the handler result', async () => {
    const status = await handlers.get('node:status')!(fromApp, undefined);
    expect(status).toMatchObject({ ok: true, value: { nodeId: node.deps.nodeId } });
    expect(await handlers.get('facts:recent')!(fromApp, { limit: 1 })).toEqual({ ok: true, value: [] });
  });

  it('validates the argument of every call', async () => {
    for (const arg of [{ limit: -1 }, 'DROP TABLE facts', [1, 2], { limit: 1, extra: true }]) {
      expect(await handlers.get('facts:recent')!(fromApp, arg)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(await handlers.get('identity:publicKey')!(fromApp, { give: 'private' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('refuses frames that are not the app page', async () => {
    for (const event of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: null }]) {
      expect(await handlers.get('node:status')!(event, undefined)).toEqual({ ok: false, error: { code: 'forbidden', message: 'this page may not call the node' } });
    }
  });

  it('says so while the node is not running', async () => {
    deps = null;
    try {
      expect(await handlers.get('node:status')!(fromApp, undefined)).toMatchObject({ ok: false, error: { code: 'node_not_running' } });
    } finally {
      deps = node.deps;
    }
  });

  it('answers node:startup from the startup phase while there is no node yet, and only to the app page', async () => {
    deps = null;
    try {
      for (const phase of [
        { phase: 'starting' },
        { phase: 'upgrading', step: 2, steps: 3, schemaVersion: 7, migration: 'fact_indexes' },
        { phase: 'failed', message: 'upgrading the database to schema 8 (fact_checks) failed, so it stays at schema 7: disk I/O error' },
      ] satisfies NodeStartup[]) {
        startup = phase;
        expect(await handlers.get('node:startup')!(fromApp, undefined)).toEqual({ ok: true, value: phase });
      }
      expect(await handlers.get('node:startup')!({ senderFrame: { url: 'https://evil.example/' } }, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await handlers.get('node:startup')!(fromApp, { phase: 'ready' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    } finally {
      deps = node.deps;
      startup = { phase: 'ready' };
    }
  });

  it('removes its handlers again', () => {
    unbind();
    expect(handlers.size).toBe(0);
  });
});

describe('bindAdminOperations with operations the shell answers', () => {
  it('hands a shell operation its validated argument, only from the app page, and never to the node', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const seen: unknown[] = [];
    bindAdminOperations(ipcMain, {
      currentDeps: () => null,
      startup: () => ({ phase: 'ready' }),
      isTrustedSender: (url) => url === APP_URL,
      shellOperations: { 'identity:rotate': async (args) => (seen.push(args), { ok: false, error: { code: 'checked', message: 'reached the shell' } }) },
    });
    const rotate = handlers.get('identity:rotate')!;
    // The node is not running, yet the shell answers: it does not go through the node's handler map.
    expect(await rotate(fromApp, { confirmEntity: ' stigmem://org.example ' })).toEqual({ ok: false, error: { code: 'checked', message: 'reached the shell' } });
    expect(seen).toEqual([{ confirmEntity: 'stigmem://org.example' }]);
    expect(await rotate(fromApp, { confirmEntity: 'stigmem://org.example', dualTrustDays: 30 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await rotate(fromApp, { confirmEntity: 7 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await rotate({ senderFrame: { url: 'https://evil.example/' } }, { confirmEntity: 'stigmem://org.example' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(seen).toHaveLength(1);
    expect(await handlers.get('node:status')!(fromApp, undefined)).toMatchObject({ ok: false, error: { code: 'node_not_running' } });
  });
});
