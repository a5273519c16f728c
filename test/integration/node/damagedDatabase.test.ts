// A damaged database, as an operator meets it: `stigmem serve` refuses in one line that says how to get out, and
// `stigmem data restore` puts a backup back over it (the damaged file kept beside it), after which the node starts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../../e2e/build.js';
import { freePort, runCli, spawnNode } from '../../helpers/process.js';

const ADMIN = 'damaged-db-admin-key-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'stigmem-damaged-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a damaged database', () => {
  it('stops the start with the way out, and a backup restored over it brings the node back', async () => {
    ensureCliBuilt();
    const dbPath = join(dir, 'data', 'node.db');
    const env = { STIGMEM_PORT: String(await freePort()), STIGMEM_DB_PATH: dbPath, STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_ADMIN_KEY: ADMIN };
    const first = await spawnNode(env, { dir });
    const fact = { entity: 'stigmem://org-a.example/e/kept', relation: 'memory:role', value: { type: 'string', v: 'kept' }, source: 'stigmem://org-a.example/agent/a', confidence: 0.9, scope: 'company' };
    expect((await fetch(`${first.url}/v1/facts`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(fact) })).status).toBe(201);
    const backup = await runCli(['data', 'backup', join(dir, 'node-data.sqlite')], { cwd: dir, env });
    expect(backup.code, backup.stderr).toBe(0);
    await first.stop();

    const bytes = readFileSync(dbPath);
    bytes.fill(0x5a, 0, 100);
    writeFileSync(dbPath, bytes);
    const refused = await spawnNode(env, { dir }).then(() => 'started', (e: Error) => e.message);
    expect(refused).toMatch(/exited with 2 before listening\nstderr:stigmem: the database .*node\.db is damaged \(SQLITE_NOTADB: .*\); it is left as it is\. Restore a backup over it with `stigmem data restore BACKUP` in its folder \(the damaged file is kept beside it\)\n$/);

    const restored = await runCli(['data', 'restore', join(dir, 'node-data.sqlite')], { cwd: dir, env });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/previous database\s+.*node\.db\.damaged-/);
    expect(readdirSync(join(dir, 'data')).some((f) => f.startsWith('node.db.damaged-'))).toBe(true);

    const again = await spawnNode(env, { dir });
    try {
      const found = (await (await fetch(`${again.url}/v1/facts?entity=${encodeURIComponent(fact.entity)}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { total: number };
      expect(found.total).toBe(1);
    } finally {
      await again.stop();
    }
  }, 90_000);
});
