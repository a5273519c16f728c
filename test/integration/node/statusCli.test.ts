// `stigmem status` beside a running `stigmem serve`: the node's summary and what needs attention, as text or JSON, with
// an exit code a monitoring check can use (0 nothing, 1 something, 2 the node could not be asked).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeStatus } from '../../../src/shared/contract.js';
import { ensureCliBuilt } from '../../e2e/build.js';
import { freePort, runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';

const ADMIN = 'status-cli-admin-key-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'stigmem-status-it-'));
let env: Record<string, string>;
let node: NodeProcess;

const status = (args: string[] = [], extra: Record<string, string> = {}) => runCli(['status', ...args], { cwd: dir, env: { ...env, ...extra } });

beforeAll(async () => {
  ensureCliBuilt();
  env = { STIGMEM_PORT: String(await freePort()), STIGMEM_DB_PATH: join(dir, 'data', 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_ADMIN_KEY: ADMIN };
  node = await spawnNode(env, { dir });
}, 120_000);
afterAll(async () => {
  await node?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('stigmem status', () => {
  it('says what needs attention and exits 1 while something does, then 0 once the key and the database are backed up', async () => {
    const first = await status();
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain(`stigmem status: node ${(await (await fetch(`${node.url}/.well-known/stigmem`)).json() as { node_id: string }).node_id} (stigmem://org-a.example)`);
    expect(first.stdout).toMatch(/transport\s+plain HTTP/);
    expect(first.stdout).toContain('2 things need attention:');
    expect(first.stdout).toContain('  - [key_never_backed_up] The identity key has no recorded backup');
    expect(first.stdout).toContain('  - [database_never_backed_up] The database has never been backed up');
    expect(first.stdout).not.toContain(ADMIN);

    const json = await status(['--json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as NodeStatus;
    expect(parsed.attention.map((a) => a.code)).toEqual(['key_never_backed_up', 'database_never_backed_up']);
    expect(parsed.tls).toBeNull();

    const passphrase = join(dir, 'passphrase.txt');
    writeFileSync(passphrase, 'Twelve brass Bells 60\n');
    const keyBackup = await runCli(['ceremony', 'backup', '--out', join(dir, 'org-key.backup'), '--passphrase-file', passphrase], { cwd: dir, env });
    expect(keyBackup.code, keyBackup.stderr).toBe(0);
    const dataBackup = await runCli(['data', 'backup', join(dir, 'node-data.sqlite')], { cwd: dir, env });
    expect(dataBackup.code, dataBackup.stderr).toBe(0);
    const after = await status();
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain('Nothing needs attention.');
  });

  it('exits 2 with the reason when the admin key is wrong or missing, or no node answers', async () => {
    const wrong = await status([], { STIGMEM_ADMIN_KEY: 'not-the-admin-key-0123456789abcdef' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^stigmem status: .*answered HTTP 401: Invalid or expired API key \[unauthorized\]\n$/);
    const none = await runCli(['status'], { cwd: dir, env: { ...env, STIGMEM_ADMIN_KEY: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('needs the node\'s admin key');
    const elsewhere = await status([], { STIGMEM_PORT: String(await freePort()) });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/no node answers at http:\/\/127\.0\.0\.1:\d+ .*is `stigmem serve` running in this folder\? \[node_unreachable\]/);
  });
});
