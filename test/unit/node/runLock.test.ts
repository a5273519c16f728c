// The `<db>.running` record: written by a listening node, removed when it closes, ignored once its process is gone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { holdRunLock, runLockPath, runningNodePid } from '../../../src/main/node/runLock.js';
import { startNode } from '../../../src/main/node/runtime.js';

const folder = () => join(mkdtempSync(join(tmpdir(), 'stigmem-runlock-')), 'node.db');

describe('the running-node record', () => {
  it('is written by a listening node and removed when it closes', async () => {
    const dbPath = folder();
    const node = await startNode(loadConfig({ STIGMEM_DB_PATH: dbPath, STIGMEM_PORT: '0', STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent' }).config);
    expect(JSON.parse(readFileSync(runLockPath(dbPath), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(runningNodePid(dbPath)).toBeNull(); // this process is not "another" node
    await node.close();
    expect(existsSync(runLockPath(dbPath))).toBe(false);
  });

  it('names another live process, and is ignored once that process has exited or when it is garbage', async () => {
    const dbPath = folder();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(runLockPath(dbPath), JSON.stringify({ pid: child.pid, started_at: 'x' }));
      expect(runningNodePid(dbPath)).toBe(child.pid);
    } finally {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    expect(runningNodePid(dbPath)).toBeNull();
    for (const junk of ['not json', '{"pid":"12"}', '{"pid":-1}', '{}']) {
      writeFileSync(runLockPath(dbPath), junk);
      expect(runningNodePid(dbPath)).toBeNull();
    }
  });

  it('leaves a record another process wrote in place when releasing', () => {
    const dbPath = folder();
    const release = holdRunLock(dbPath);
    writeFileSync(runLockPath(dbPath), JSON.stringify({ pid: 1, started_at: 'someone else' }));
    release();
    expect(existsSync(runLockPath(dbPath))).toBe(true);
  });
});
