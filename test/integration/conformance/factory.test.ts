// The spawn factory: real `stigmem serve` processes, open or auth-required, isolated from the caller's settings.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNodeFactory, type NodeLease } from '../../../src/main/node/conformance/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const factory = spawnNodeFactory({ command: process.execPath, args: [join(repoRoot, 'bin/stigmem.mjs'), 'serve'] });
afterAll(() => factory.close());

async function lease(kind: 'open' | 'auth'): Promise<NodeLease> {
  const l = await factory.acquire(kind);
  if ('skip' in l) throw new Error(l.skip);
  return l;
}

describe('spawnNodeFactory', () => {
  it('starts an auth-disabled node advertising http://testnode, and stops it on release', async () => {
    const l = await lease('open');
    const doc = (await (await fetch(`${l.baseUrl}/.well-known/stigmem`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ auth: 'none', node_url: 'http://testnode' });
    await l.release();
    await expect(fetch(`${l.baseUrl}/healthz`)).rejects.toThrow();
  });

  it('starts an auth-required node whose admin key is never sent', async () => {
    const l = await lease('auth');
    try {
      const doc = (await (await fetch(`${l.baseUrl}/.well-known/stigmem`)).json()) as Record<string, unknown>;
      expect(doc['auth']).toBe('required');
      expect((await fetch(`${l.baseUrl}/v1/facts`)).status).toBe(401);
    } finally {
      await l.release();
    }
  });

  it("gives each lease its own node and keeps the caller's STIGMEM_* settings out", async () => {
    const saved = process.env['STIGMEM_ENTITY_URI'];
    process.env['STIGMEM_ENTITY_URI'] = 'stigmem://leaked.example';
    const probe = spawnNodeFactory({
      command: process.execPath,
      args: ['-e', 'console.log("listening on http://127.0.0.1:9/" + encodeURIComponent(JSON.stringify({ names: Object.keys(process.env).filter((k) => k.startsWith("STIGMEM_")).sort(), db: process.env.STIGMEM_DB_PATH }))); setInterval(() => {}, 1000)'],
    });
    try {
      const a = await probe.acquire('open');
      const b = await probe.acquire('open');
      if ('skip' in a || 'skip' in b) throw new Error('unexpected skip');
      const seen = (l: NodeLease): { names: string[]; db: string } => JSON.parse(decodeURIComponent(l.baseUrl.split('/').pop()!)) as { names: string[]; db: string };
      expect(seen(a).names).toEqual([
        'STIGMEM_AUTH_REQUIRED', 'STIGMEM_DB_PATH', 'STIGMEM_HOST', 'STIGMEM_KEY_STORE', 'STIGMEM_LOG_LEVEL', 'STIGMEM_NODE_URL', 'STIGMEM_PORT',
      ]);
      expect(dirname(seen(a).db)).not.toBe(dirname(seen(b).db));
      expect(existsSync(dirname(seen(a).db))).toBe(true);
      await Promise.all([a.release(), b.release()]);
      expect(existsSync(dirname(seen(a).db))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['STIGMEM_ENTITY_URI'];
      else process.env['STIGMEM_ENTITY_URI'] = saved;
      await probe.close();
    }
  });

  it('starts once more when something outside kills a node before it listens, and never after close', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'stigmem-factory-')), 'killed-once');
    const script =
      'const fs = require("node:fs"); if (!fs.existsSync(process.env.MARKER)) { fs.writeFileSync(process.env.MARKER, ""); process.kill(process.pid, "SIGTERM"); }' +
      ' else { console.log("listening on http://127.0.0.1:9"); setInterval(() => {}, 1000); }';
    const flaky = spawnNodeFactory({ command: process.execPath, args: ['-e', script], env: { MARKER: marker } });
    const l = await flaky.acquire('open');
    expect(l).toMatchObject({ baseUrl: 'http://127.0.0.1:9' });
    if (!('skip' in l)) await l.release();
    await flaky.close();
    await expect(flaky.acquire('open')).rejects.toThrow('the node factory is closed');
    rmSync(dirname(marker), { recursive: true, force: true });
  });

  it('reports a node that exits before listening, with its stderr', async () => {
    const broken = spawnNodeFactory({ command: process.execPath, args: ['-e', 'console.error("bad config"); process.exit(2)'] });
    await expect(broken.acquire('open')).rejects.toThrow(/node exited \(2\) before listening; stderr: bad config/);
    await broken.close();
    const missing = spawnNodeFactory({ command: '/nonexistent/stigmem', args: [] });
    await expect(missing.acquire('open')).rejects.toThrow(/cannot start the node: spawn \/nonexistent\/stigmem ENOENT/);
    await missing.close();
  });
});
