// Ctrl-C during `stigmem data backup`, plain or sealed: the command says it was interrupted, exits 130 and leaves
// neither a partial backup where it was writing nor a plain copy beside the database.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../../e2e/build.js';
import { runCli, STIGMEM_BIN } from '../../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'stigmem-interrupt-it-'));
const dataDir = join(dir, 'data');
const env = { STIGMEM_DB_PATH: join(dataDir, 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' };

/** Run `stigmem args…` and send SIGINT as soon as something appears in `watched`; its exit code and stderr. */
async function interruptOnceWriting(args: string[], watched: string): Promise<{ code: number | null; stderr: string }> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('STIGMEM_')) childEnv[k] = v;
  const child = spawn(process.execPath, [STIGMEM_BIN, ...args], { cwd: dir, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  while (child.exitCode === null && readdirSync(watched).length === 0) await new Promise((r) => setTimeout(r, 1));
  child.kill('SIGINT');
  return { code: await exited, stderr };
}

beforeAll(async () => {
  ensureCliBuilt();
  mkdirSync(dataDir);
  const init = await runCli(['ceremony', 'init'], { cwd: dir, env });
  expect(init.code, init.stderr).toBe(0);
  // A database large enough that its copy and its sealing take many steps.
  const db = new Database(env.STIGMEM_DB_PATH);
  db.exec('CREATE TABLE bulk (b BLOB)');
  const insert = db.prepare('INSERT INTO bulk VALUES (randomblob(1000000))');
  db.transaction(() => { for (let i = 0; i < 96; i++) insert.run(); })();
  db.close();
  writeFileSync(join(dir, 'passphrase.txt'), 'Twelve brass Bells 60\n');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const leftBesideDatabase = (): string[] => readdirSync(dataDir).filter((n) => n.endsWith('.tmp') || n.includes('.tmp-'));

describe('Ctrl-C during stigmem data backup', () => {
  it('while copying: exit 130, one line, no partial copy', { timeout: 120_000 }, async () => {
    const out = join(dir, 'plain');
    mkdirSync(out);
    const r = await interruptOnceWriting(['data', 'backup', join(out, 'node-data.sqlite')], out);
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(`stigmem data backup: interrupted: the partial copy was removed and ${join(out, 'node-data.sqlite')} left as it was [interrupted]\n`);
    expect(readdirSync(out)).toEqual([]);
    expect(leftBesideDatabase()).toEqual([]);
  });

  it('while sealing: exit 130, and neither the sealed file nor the plain copy beside the database stays', { timeout: 120_000 }, async () => {
    const out = join(dir, 'sealed');
    mkdirSync(out);
    const r = await interruptOnceWriting(['data', 'backup', join(out, 'node-data.sqlite'), '--seal', '--passphrase-file', join(dir, 'passphrase.txt')], out);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^stigmem data backup: interrupted: .*\[interrupted\]\n$/);
    expect(readdirSync(out)).toEqual([]);
    expect(leftBesideDatabase()).toEqual([]);
  });
});
