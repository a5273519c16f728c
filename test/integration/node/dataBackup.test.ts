// `stigmem data` against a real `stigmem serve` process on 127.0.0.1: a backup taken while the node takes writes over
// HTTP, refusals (an existing file, a restore under a running node), then a restore on the stopped node and a restart
// that serves exactly the backup's facts.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';
import { ensureCliBuilt } from '../../e2e/build.js';

const ADMIN = 'data-backup-admin-key-0123456789';
const ORG = 'stigmem://org-a.example';
const dir = mkdtempSync(join(tmpdir(), 'stigmem-data-it-'));
const env = { STIGMEM_DB_PATH: join(dir, 'data', 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: ORG, STIGMEM_ADMIN_KEY: ADMIN };
const nodes: NodeProcess[] = [];

async function start(): Promise<NodeProcess> {
  const node = await spawnNode(env, { dir });
  nodes.push(node);
  return node;
}

async function write(node: NodeProcess, name: string): Promise<number> {
  const res = await fetch(`${node.url}/v1/facts`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ entity: `${ORG}/e/${name}`, relation: 'memory:role', value: { type: 'string', v: name }, source: `${ORG}/agent/a`, confidence: 0.9, scope: 'company' }),
  });
  return res.status;
}

async function entities(node: NodeProcess): Promise<string[]> {
  const res = await fetch(`${node.url}/v1/facts?limit=500`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return ((await res.json()) as { facts: { entity: string }[] }).facts.map((f) => f.entity).sort();
}

const cli = (args: string[]) => runCli(args, { cwd: dir, env });

beforeAll(() => ensureCliBuilt(), 120_000);
afterAll(async () => {
  for (const n of nodes) await n.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('stigmem data', () => {
  it('backs up a running node while it writes, refuses what it must, and restores on the stopped node', async () => {
    const node = await start();
    for (let i = 0; i < 20; i++) expect(await write(node, `early-${i}`)).toBe(201);
    const path = join(dir, 'node-data.sqlite');
    // Writes keep arriving over HTTP while the CLI copies the database from its own connection.
    let writing = true;
    const during = (async () => {
      let i = 0;
      while (writing && i < 300) expect(await write(node, `during-${i++}`)).toBe(201);
      return i;
    })();
    const backup = await cli(['data', 'backup', path, '--json']);
    writing = false;
    const wroteDuring = await during;
    expect(backup.code, backup.stderr).toBe(0);
    const report = JSON.parse(backup.stdout) as { facts: number; nodeId: string; sha256: string };
    expect(report.facts).toBeGreaterThanOrEqual(20);
    expect(report.facts).toBeLessThanOrEqual(20 + wroteDuring);
    const copy = new Database(path, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const inBackup = (copy.prepare('SELECT entity FROM facts').pluck().all() as string[]).sort();
    copy.close();
    expect(inBackup).toHaveLength(report.facts);

    const again = await cli(['data', 'backup', path]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[file_exists]');
    const inspect = await cli(['data', 'inspect', path, '--json']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ path, facts: report.facts, nodeId: report.nodeId, entityUri: ORG });

    const refused = await cli(['data', 'restore', path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('[node_running]');
    expect(await write(node, 'after-backup')).toBe(201);
    expect(await node.stop()).toBe(0);

    const restore = await cli(['data', 'restore', path, '--json']);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ restored: { facts: report.facts }, previousSavedAs: expect.stringContaining('node.db.before-restore-') });
    const back = await start();
    expect(await entities(back)).toEqual(inBackup);
    expect(await write(back, 'after-restore')).toBe(201);
  });

  it('seals a backup under a passphrase from a file, and restores it only with that passphrase', async () => {
    const node = nodes.at(-1)!;
    const sealed = join(dir, 'sealed.sqlite');
    const pass = join(dir, 'pass.txt');
    const wrong = join(dir, 'wrong.txt');
    writeFileSync(pass, 'Eleven silver Lamps 77\n', { mode: 0o600 });
    writeFileSync(wrong, 'Eleven silver Lamps 78\n', { mode: 0o600 });
    const weak = join(dir, 'weak.txt');
    writeFileSync(weak, 'password1234\n');
    expect((await cli(['data', 'backup', join(dir, 'weak.sqlite'), '--seal', '--passphrase-file', weak])).stderr).toContain('[passphrase_too_weak]');
    const backup = await cli(['data', 'backup', sealed, '--seal', '--passphrase-file', pass, '--json']);
    expect(backup.code, backup.stderr).toBe(0);
    const facts = (JSON.parse(backup.stdout) as { facts: number; sealed: boolean }).facts;
    expect(JSON.parse(backup.stdout)).toMatchObject({ sealed: true });
    // Without the passphrase, inspect reports the header; with it, the opened copy.
    expect((await cli(['data', 'inspect', sealed])).stdout).toContain('give the passphrase to check it');
    expect((await cli(['data', 'inspect', sealed, '--passphrase-file', pass])).stdout).toContain('intact');
    // As every command does, inspect takes STIGMEM_BACKUP_PASSPHRASE from the ./.env of the folder it runs in.
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, '.env'), 'STIGMEM_BACKUP_PASSPHRASE=Eleven silver Lamps 77\n', { mode: 0o600 });
    expect((await runCli(['data', 'inspect', sealed], { cwd: elsewhere })).stdout).toContain('intact');
    expect(await write(node, 'after-sealed')).toBe(201);
    expect(await node.stop()).toBe(0);
    const refused = await cli(['data', 'restore', sealed, '--passphrase-file', wrong]);
    expect(refused.stderr).toContain('[passphrase_wrong]');
    // No terminal and no passphrase: refused, not stuck on a prompt.
    expect((await cli(['data', 'restore', sealed])).stderr).toContain('[passphrase_missing]');
    const restore = await cli(['data', 'restore', sealed, '--passphrase-file', pass]);
    expect(restore.code, restore.stderr).toBe(0);
    const back = await start();
    expect(await entities(back)).toHaveLength(facts);
    expect(await entities(back)).not.toContain(`${ORG}/e/after-sealed`);
  });
});
