// `stigmem serve` on a database file an earlier version wrote: the upgrade is announced, facts survive it, and a
// failed upgrade stops the node with one line and leaves the file at its old version.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { MIGRATIONS, type Migration } from '../../../src/main/node/db/migrations/index.js';
import { runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';

const KEY = 'upgrade-admin-key-0123456789abcdef';
const ENTITY = 'stigmem://org.example/people/alice';

const dirs: string[] = [];
const nodes: NodeProcess[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'stigmem-upgrade-'));
  dirs.push(d);
  return d;
}

async function call(node: NodeProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${node.url}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A fact row exactly as this version writes it, moved into a file that stopped at schema version 7. */
async function schema7FileWithOneFact(): Promise<{ path: string; fact: Record<string, unknown> }> {
  const source = tempDir();
  const writer = await spawnNode({ STIGMEM_ADMIN_KEY: KEY, STIGMEM_DB_PATH: join(source, 'a.db') }, { dir: source });
  nodes.push(writer);
  const posted = await call(writer, 'POST', '/v1/facts', { entity: ENTITY, relation: 'memory:role', value: { type: 'string', v: 'engineer' }, source: 'stigmem://org.example/agent/a', confidence: 0.9, scope: 'company' });
  expect(posted.status).toBe(201);
  await writer.stop();
  const from = new Database(join(source, 'a.db'), { readonly: true });
  const row = from.prepare('SELECT * FROM facts').get() as Record<string, unknown>;
  from.close();
  const path = join(tempDir(), 'old.db');
  const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 7) });
  old.raw.prepare(`INSERT INTO facts (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => `@${k}`).join(', ')})`).run(row);
  old.raw.close();
  return { path, fact: posted.json };
}

const versionOf = (path: string): number => {
  const db = new Database(path, { readonly: true });
  const v = db.pragma('user_version', { simple: true }) as number;
  db.close();
  return v;
};

describe('stigmem serve on a database from an earlier version', () => {
  it('announces the upgrade, upgrades the file and serves the facts it held', async () => {
    const { path, fact } = await schema7FileWithOneFact();
    const node = await spawnNode({ STIGMEM_ADMIN_KEY: KEY, STIGMEM_DB_PATH: path }, { dir: tempDir() });
    nodes.push(node);
    expect(node.stderr()).toContain('stigmem: upgrading the database to schema 8 (fact_checks)');
    const listed = await call(node, 'GET', `/v1/facts?entity=${encodeURIComponent(ENTITY)}`);
    expect(listed.status).toBe(200);
    expect(listed.json['facts']).toEqual([expect.objectContaining({ id: fact['id'], cid: fact['cid'], value: expect.objectContaining({ v: 'engineer' }) })]);
    await node.stop();
    expect(versionOf(path)).toBe(MIGRATIONS.length);
  });

  it('starts on a schema-5 file from a build whose migrations 004 and 005 were still empty, and serves what it held', async () => {
    const { path, fact } = await schema7FileWithOneFact();
    const row = (() => {
      const db = new Database(path, { readonly: true });
      const r = db.prepare('SELECT * FROM facts').get() as Record<string, unknown>;
      db.close();
      return r;
    })();
    const early = join(tempDir(), 'early.db');
    const reserved = (m: Migration): Migration => (m.version === 4 || m.version === 5 ? { version: m.version, name: m.name, up() {} } : m);
    const db = openDatabase(early, { migrations: MIGRATIONS.slice(0, 5).map(reserved) });
    db.raw.prepare(`INSERT INTO facts (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => `@${k}`).join(', ')})`).run(row);
    db.raw.close();
    const node = await spawnNode({ STIGMEM_ADMIN_KEY: KEY, STIGMEM_DB_PATH: early }, { dir: tempDir() });
    nodes.push(node);
    expect((await call(node, 'GET', `/v1/facts/${encodeURIComponent(String(fact['cid']))}`)).json).toMatchObject({ id: fact['id'], cid: fact['cid'] });
    expect((await call(node, 'GET', '/v1/quarantine')).status).toBe(200);
    expect((await call(node, 'GET', '/v1/federation/capability-tokens')).status).toBe(200);
    await node.stop();
    expect(versionOf(early)).toBe(MIGRATIONS.length);
  });

  it('stops with a one-line reason and leaves the file at schema 7 when the upgrade cannot complete', async () => {
    const path = join(tempDir(), 'old.db');
    openDatabase(path, { migrations: MIGRATIONS.slice(0, 7) }).raw.close();
    const db = new Database(path);
    db.pragma('foreign_keys = OFF');
    // A reference to a fact that does not exist, which only a database written with foreign keys off could hold.
    db.prepare("INSERT INTO conflicts (id, seq, fact_a, fact_b, status, detected_at) VALUES ('k', 1, 'missing-a', 'missing-b', 'unresolved', 't')").run();
    db.close();
    const r = await runCli(['serve'], { cwd: tempDir(), env: { STIGMEM_ADMIN_KEY: KEY, STIGMEM_DB_PATH: path, STIGMEM_PORT: '0' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stigmem: upgrading the database to schema 8 (fact_checks) failed, so it stays at schema 7');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(versionOf(path)).toBe(7);
  });
});
