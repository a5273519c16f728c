// One node per database: the lock on `<db>.lock` is held while a node runs (in this process or another), refused to a
// second one before it reads or writes anything, and gone with the process that held it, however it ended.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { acquireRunLock, NodeRunningError, runLockPath, runningNode } from '../../../src/main/node/runLock.js';
import { createNode, startNode } from '../../../src/main/node/runtime.js';
import { REPO_ROOT } from '../../helpers/process.js';

const folder = () => join(mkdtempSync(join(tmpdir(), 'stigmem-runlock-')), 'node.db');
const configFor = (dbPath: string, env: Record<string, string> = {}) =>
  loadConfig({ STIGMEM_DB_PATH: dbPath, STIGMEM_PORT: '0', STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent', ...env }).config;

/** A separate process holding the lock on `dbPath` until killed; resolves once it holds it. */
async function holderProcess(dbPath: string): Promise<ChildProcess> {
  const script = `import('${join(REPO_ROOT, 'node_modules/better-sqlite3/lib/index.js')}').then(({ default: D }) => {
    const db = new D(${JSON.stringify(`${dbPath}.lock`)}); db.pragma('locking_mode = EXCLUSIVE'); db.exec('BEGIN EXCLUSIVE');
    require('fs').writeFileSync(${JSON.stringify(runLockPath(dbPath))}, JSON.stringify({ pid: process.pid })); console.log('held'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

describe('the node lock', () => {
  it('is held by a listening node and refuses a second node on the same database before it writes anything', async () => {
    const dbPath = folder();
    const node = await startNode(configFor(dbPath, { STIGMEM_ADMIN_KEY: 'first-admin-key-0123456789abcdef' }));
    try {
      expect(JSON.parse(readFileSync(runLockPath(dbPath), 'utf8'))).toMatchObject({ pid: process.pid });
      expect(runningNode(dbPath)).toEqual({ pid: process.pid });
      const second = startNode(configFor(dbPath, { STIGMEM_ADMIN_KEY: 'second-admin-key-0123456789abcdef' }));
      await expect(second).rejects.toBeInstanceOf(NodeRunningError);
      await expect(second).rejects.toThrow(`a node is already running on ${dbPath} (pid ${process.pid})`);
      // The refused start changed nothing: the first node's admin key still works and the second's does not.
      const ask = (key: string) => fetch(`${node.url}/v1/facts`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
      expect(await ask('first-admin-key-0123456789abcdef')).toBe(200);
      expect(await ask('second-admin-key-0123456789abcdef')).toBe(401);
    } finally {
      await node.close();
    }
    expect(existsSync(runLockPath(dbPath))).toBe(false);
    expect(runningNode(dbPath)).toBeNull();
    const again = await startNode(configFor(dbPath));
    await again.close();
  });

  it('is released by a node that fails to start, and by one closed without listening', async () => {
    const dbPath = folder();
    const first = await startNode(configFor(dbPath));
    const port = new URL(first.url).port;
    const other = folder();
    await expect(startNode(configFor(other, { STIGMEM_PORT: port }))).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
    expect(runningNode(other)).toBeNull();
    const { app, deps } = await createNode(configFor(other));
    expect(runningNode(other)).not.toBeNull();
    await app.close();
    deps.db.raw.close();
    expect(runningNode(other)).toBeNull();
  });

  it('is held while the closing node stops its pull loops and page reader, and released after', async () => {
    const dbPath = folder();
    const node = await startNode(configFor(dbPath, { STIGMEM_FEDERATION_ENABLED: 'true' }));
    let readerClosing!: () => void;
    let finish!: () => void;
    const closing = new Promise<void>((r) => (readerClosing = r));
    const finished = new Promise<void>((r) => (finish = r));
    const reader = node.deps.pages;
    // A page reader slow to stop (a worker still terminating).
    (node.deps as { pages: typeof reader }).pages = { ...reader, close: async () => (readerClosing(), await finished, reader.close()) };
    const closed = node.close();
    await closing;
    expect(() => acquireRunLock(dbPath)).toThrow(NodeRunningError);
    finish();
    await closed;
    acquireRunLock(dbPath).release();
  });

  it('names another process that holds it, and is free the moment that process is killed', async () => {
    const dbPath = folder();
    const holder = await holderProcess(dbPath);
    try {
      expect(runningNode(dbPath)).toEqual({ pid: holder.pid });
      expect(() => acquireRunLock(dbPath)).toThrow(NodeRunningError);
    } finally {
      const gone = new Promise((r) => holder.once('exit', r));
      holder.kill('SIGKILL');
      await gone;
    }
    // The record it left names a dead process; the lock, not the record, decides.
    expect(existsSync(runLockPath(dbPath))).toBe(true);
    expect(runningNode(dbPath)).toBeNull();
    const lock = acquireRunLock(dbPath);
    expect(JSON.parse(readFileSync(runLockPath(dbPath), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    lock.release();
    expect(existsSync(runLockPath(dbPath))).toBe(false);
  });
});
