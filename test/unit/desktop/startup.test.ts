// The desktop's start after its window is open: configure, upgrade (reported step by step), start; or the reason it
// could not. Real files from an earlier version, a real upgrade and a real node listening on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DesktopStartup } from '../../../src/main/desktop/startup.js';
import { loadConfig, type NodeConfig } from '../../../src/main/node/config/env.js';
import { upgradeDatabase } from '../../../src/main/node/db/upgrade.js';
import { startNode, type RunningNode } from '../../../src/main/node/runtime.js';
import type { NodeStartup } from '../../../src/shared/contract.js';
import { blockMigration7, oldDatabaseFile } from '../../helpers/oldDatabase.js';

const dirs: string[] = [];
const nodes: RunningNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configFor(dbPath: string, port = '0'): NodeConfig {
  return loadConfig({ STIGMEM_DB_PATH: dbPath, STIGMEM_PORT: port, STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent', STIGMEM_ADMIN_KEY: 'startup-admin-key-0123456789abcdef' }).config;
}

function oldFile(n: number): string {
  const d = mkdtempSync(join(tmpdir(), 'stigmem-desktop-startup-'));
  dirs.push(d);
  return oldDatabaseFile(join(d, 'node.db'), 6, n);
}

/** Run a start and record every phase the window could have seen, in order. */
async function runRecorded(startup: DesktopStartup, configure: () => NodeConfig): Promise<{ node: RunningNode | null; seen: NodeStartup[] }> {
  const seen: NodeStartup[] = [startup.current()];
  const node = await startup.run({
    configure,
    upgrade: (config, onStep) => upgradeDatabase(config.dbPath, { onStep: (s) => (onStep(s), seen.push(startup.current())) }),
    start: async (config) => {
      seen.push(startup.current());
      const running = await startNode(config);
      nodes.push(running);
      return running;
    },
  });
  seen.push(startup.current());
  return { node, seen };
}

describe('DesktopStartup', () => {
  it('goes from starting through each upgrade step to ready, and the node serves the facts the old file held', async () => {
    const path = oldFile(40);
    const startup = new DesktopStartup();
    const { node, seen } = await runRecorded(startup, () => configFor(path));
    expect(seen).toEqual([
      { phase: 'starting' },
      { phase: 'upgrading', step: 1, steps: 3, schemaVersion: 7, migration: 'fact_indexes' },
      { phase: 'upgrading', step: 2, steps: 3, schemaVersion: 8, migration: 'fact_checks' },
      { phase: 'upgrading', step: 3, steps: 3, schemaVersion: 9, migration: 'peer_signed_pages' },
      { phase: 'starting' },
      { phase: 'ready' },
    ]);
    expect(node).not.toBeNull();
    const res = await fetch(`${node!.url}/v1/facts?entity=${encodeURIComponent('stigmem://org.example/e/39')}`, { headers: { authorization: 'Bearer startup-admin-key-0123456789abcdef' } });
    expect(((await res.json()) as { facts: { value: { v: string } }[] }).facts.map((f) => f.value.v)).toEqual(['v39']);
  });

  it('fails with the configuration error before touching anything', async () => {
    const startup = new DesktopStartup();
    const { node, seen } = await runRecorded(startup, () => loadConfig({ STIGMEM_PORT: 'eighty' }).config);
    expect(node).toBeNull();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({ phase: 'failed', message: expect.stringContaining('STIGMEM_PORT') });
  });

  it('fails at the step that failed, with its reason, and never starts the node', async () => {
    const path = oldFile(5);
    blockMigration7(path);
    const startup = new DesktopStartup();
    const { node, seen } = await runRecorded(startup, () => configFor(path));
    expect(node).toBeNull();
    expect(seen.map((s) => s.phase)).toEqual(['starting', 'upgrading', 'failed']);
    expect(seen[2]).toEqual({ phase: 'failed', message: expect.stringMatching(/^upgrading the database to schema 7 \(fact_indexes\) failed, so it stays at schema 6: /) });
  });

  it('fails when the node cannot listen, after the upgrade it finished', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const path = oldFile(1);
      const startup = new DesktopStartup();
      const { node, seen } = await runRecorded(startup, () => configFor(path, String(port)));
      expect(node).toBeNull();
      expect(seen.map((s) => s.phase)).toEqual(['starting', 'upgrading', 'upgrading', 'upgrading', 'starting', 'failed']);
      expect(seen[5]).toEqual({ phase: 'failed', message: expect.stringContaining('EADDRINUSE') });
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });
});
