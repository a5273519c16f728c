// The desktop's node host with real nodes listening on 127.0.0.1 and their keys in a file store: a step that needs the
// node stopped (a key rotation) stops it, runs, and starts it again; refusals never stop it; one such step at a time.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreDataOperation } from '../../../src/main/desktop/dataRestore.js';
import { rotateKeyOperation } from '../../../src/main/desktop/keyRotation.js';
import { runAdminOperation } from '../../../src/main/node/console/handlers.js';
import { insertFact } from '../console/helpers.js';
import { DesktopNodeHost } from '../../../src/main/desktop/nodeHost.js';
import { loadConfig, type NodeConfig } from '../../../src/main/node/config/env.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { upgradeDatabase } from '../../../src/main/node/db/upgrade.js';
import { previousKeysTrustedAt } from '../../../src/main/node/rotation/store.js';
import { startNode, type RunningNode } from '../../../src/main/node/runtime.js';
import { ok, type Result } from '../../../src/shared/result.js';

const ORG = 'stigmem://org-a.example';
const ADMIN = 'host-admin-key-0123456789abcdef';
const hosts: DesktopNodeHost<RunningNode>[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function hostFor(env: Record<string, string> = {}, start: (config: NodeConfig) => Promise<RunningNode> = (c) => startNode(c)): DesktopNodeHost<RunningNode> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-host-'));
  dirs.push(dir);
  const host = new DesktopNodeHost<RunningNode>({
    configure: () => loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_PORT: '0', STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent', STIGMEM_ENTITY_URI: ORG, STIGMEM_ADMIN_KEY: ADMIN, ...env }).config,
    upgrade: (config, onStep) => upgradeDatabase(config.dbPath, { onStep }),
    start,
  });
  hosts.push(host);
  return host;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start on an empty folder, answering the first-run question with a new identity once it is asked. */
async function startNew(host: DesktopNodeHost<RunningNode>): Promise<RunningNode | null> {
  const started = host.start();
  while (host.phase().phase !== 'first-run') await pause(5);
  expect(await host.chooseIdentity({ choice: 'new' })).toEqual({ ok: true, value: { choice: 'new', restored: null } });
  return started;
}

/** Stop the node, overwrite its database's header (a disk fault) and let the host start again, which fails. */
async function damageWhileStopped(host: DesktopNodeHost<RunningNode>, dbPath: string): Promise<Buffer> {
  const bytes = readFileSync(dbPath);
  bytes.fill(0x5a, 0, 100);
  await host.whileStopped('Damaging', () => null, async () => ok(writeFileSync(dbPath, bytes)));
  expect(host.current()).toBeNull();
  return bytes;
}

const wellKnownKey = async (node: RunningNode): Promise<string> => ((await (await fetch(`${node.url}/.well-known/stigmem`)).json()) as { public_key: string }).public_key;

describe('DesktopNodeHost', () => {
  it('stops the node for a step, shows the step meanwhile, and starts it again', async () => {
    const host = hostFor();
    const first = (await startNew(host))!;
    expect(host.phase()).toEqual({ phase: 'ready' });
    const during: unknown[] = [];
    const r = await host.whileStopped('Checking', () => null, async (config) => {
      during.push(host.phase(), host.current(), config.dbPath);
      // The first node let go of its port: nothing answers there now.
      await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();
      return ok('done');
    });
    expect(r).toEqual({ ok: true, value: 'done' });
    expect(during).toEqual([{ phase: 'maintenance', task: 'Checking' }, null, first.deps.config.dbPath]);
    const second = host.current()!;
    expect(second).not.toBe(first);
    expect(host.phase()).toEqual({ phase: 'ready' });
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    expect(second.deps.nodeId).toBe(first.deps.nodeId);
  });

  it('refuses without stopping the node, and takes one step at a time', async () => {
    const host = hostFor();
    const node = (await startNew(host))!;
    expect(await host.whileStopped('Refused', () => ({ ok: false, error: { code: 'nope', message: 'no' } }), async () => ok(1))).toEqual({ ok: false, error: { code: 'nope', message: 'no' } });
    expect(host.current()).toBe(node);
    let release!: () => void;
    const held = host.whileStopped('Holding', () => null, () => new Promise<Result<string>>((r) => (release = () => r(ok('held')))));
    await new Promise((r) => setTimeout(r, 50));
    expect(await host.whileStopped('Second', () => null, async () => ok(2))).toMatchObject({ ok: false, error: { code: 'busy', message: expect.stringContaining('Holding') } });
    release();
    expect(await held).toEqual({ ok: true, value: 'held' });
  });

  it('waits for a step under way when it stops for good, and starts nothing after it', async () => {
    const host = hostFor();
    const first = (await startNew(host))!;
    let release!: () => void;
    const held = host.whileStopped('Holding', () => null, () => new Promise<Result<string>>((r) => (release = () => r(ok('held')))));
    await new Promise((r) => setTimeout(r, 50));
    let isStopped = false;
    const stopping = host.stop().then(() => (isStopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(isStopped).toBe(false);
    release();
    expect(await held).toEqual({ ok: true, value: 'held' });
    await stopping;
    expect(host.current()).toBeNull();
    // Nothing listens again on the folder: the run record is gone with the first node.
    expect(existsSync(`${first.deps.config.dbPath}.running`)).toBe(false);
  });

  it('reports a node that does not come back as failed, with the step\'s own result', async () => {
    let starts = 0;
    const host = hostFor({}, async (c) => {
      if (++starts > 1) throw new Error('port taken');
      return startNode(c);
    });
    await startNew(host);
    expect(await host.whileStopped('Step', () => null, async () => ok('x'))).toEqual({ ok: true, value: 'x' });
    expect(host.phase()).toEqual({ phase: 'failed', message: 'port taken' });
    expect(host.current()).toBeNull();
    expect(await host.whileStopped('Again', () => null, async () => ok('y'))).toMatchObject({ ok: false, error: { code: 'node_not_running' } });
  });

  it('says a damaged database is damaged, and how to restore over it, instead of SQLite\'s own words alone', async () => {
    const host = hostFor();
    const node = (await startNew(host))!;
    const dbPath = node.deps.config.dbPath;
    const bytes = await damageWhileStopped(host, dbPath);
    const phase = host.phase();
    expect(phase.phase).toBe('failed');
    expect(phase.phase === 'failed' ? phase.message : '').toMatch(new RegExp(`^the database ${dbPath.replace(/[.]/g, '\\.')} is damaged \\(SQLITE_NOTADB: .*\\); it is left as it is\\. Restore a backup over it with \`stigmem data restore BACKUP\``));
    expect(readFileSync(dbPath).equals(bytes)).toBe(true);
  });

  it('restores a data backup over a damaged database from the failed start, confirmed with the org entity, and starts', async () => {
    const host = hostFor();
    const node = (await startNew(host))!;
    const dbPath = node.deps.config.dbPath;
    insertFact(node.deps, { entity: `${ORG}/e/kept`, relation: 'memory:role', valueType: 'string', value: 'kept' });
    const backup = join(dirname(dbPath), 'node-data.sqlite');
    expect((await runAdminOperation(node.deps, 'data:backup', { path: backup })).ok).toBe(true);
    await damageWhileStopped(host, dbPath);
    expect(host.phase()).toMatchObject({ phase: 'failed', damagedDatabase: { dbPath, entityUri: ORG } });

    const restore = restoreDataOperation(host);
    expect(await restore({ path: backup, confirmEntity: 'stigmem://someone-else.example' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(host.current()).toBeNull();
    const done = await restore({ path: backup, confirmEntity: ORG });
    expect(done).toMatchObject({ ok: true, value: { previousSavedAs: expect.stringMatching(/node\.db\.damaged-/) } });
    expect(host.phase()).toEqual({ phase: 'ready' });
    const back = host.current()!;
    expect(back.deps.db.raw.prepare('SELECT entity FROM facts').pluck().all()).toEqual([`${ORG}/e/kept`]);
    // Once running, the operation is the running node's restore again (nothing damaged to replace).
    expect(host.phase()).not.toHaveProperty('damagedDatabase');
  });
});

describe('rotating the key from the desktop', () => {
  it('retires the old key, restarts on the new one, re-signs the manifest, records and audits the rotation', async () => {
    const host = hostFor();
    const before = (await startNew(host))!;
    const oldKey = before.deps.keys.org;
    // Nothing to re-sign yet: refused while the node runs on.
    expect(await rotateKeyOperation(host)({ confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'manifest_missing', message: expect.stringContaining('Manifest screen') } });
    expect(host.current()).toBe(before);
    const put = await fetch(`${before.url}/v1/federation/manifest`, {
      method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ manifest_version: 1, entity_uri: ORG, public_key: oldKey.publicKey, key_id: oldKey.keyId, entities: [ORG], rotation_events: [], issued_at: new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z'), expires_at: new Date(Date.now() + 86_400_000 * 30).toISOString().replace(/\.\d+Z$/, 'Z'), signature: '__self_sign__' }),
    });
    expect(put.status).toBe(200);

    const rotate = rotateKeyOperation(host);
    expect(await rotate({ confirmEntity: 'stigmem://someone-else.example' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(host.current()).toBe(before);

    const r = await rotate({ confirmEntity: ORG });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    const after = host.current()!;
    expect(after).not.toBe(before);
    expect(r.value.previous).toEqual({ keyId: oldKey.keyId, fingerprint: oldKey.fingerprint });
    expect(r.value.current.keyId).toBe(after.deps.keys.org.keyId);
    expect(r.value.current.keyId).not.toBe(oldKey.keyId);
    expect(await wellKnownKey(after)).toBe(after.deps.keys.org.publicKey);
    expect(r.value.manifestsResigned).toEqual([ORG]);
    const manifest = (await (await fetch(`${after.url}/.well-known/stigmem-manifest.json`)).json()) as { public_key: string; rotation_events: unknown[] };
    expect(manifest.public_key).toBe(after.deps.keys.org.publicKey);
    expect(manifest.rotation_events).toHaveLength(1);
    const retired = previousKeysTrustedAt(after.deps.db, Date.now());
    expect(retired.map((k) => k.keyId)).toEqual([oldKey.keyId]);
    expect(Date.parse(r.value.dualTrustExpiresAt) - Date.parse(r.value.rotatedAt)).toBe(90 * 86_400_000);
    expect(readFileSync(r.value.recordPath, 'utf8')).toContain('"step":"rotate_key"');
    const audit = after.deps.db.all<{ subject: string; detail: string }>(sql`SELECT subject, detail FROM audit_events WHERE event_type = 'key_rotated'`);
    expect(audit).toEqual([{ subject: r.value.current.keyId, detail: expect.stringContaining(oldKey.keyId) }]);
    expect(host.phase()).toEqual({ phase: 'ready' });
  });

  it('refuses a key that comes from the environment without stopping the node', async () => {
    const host = hostFor({ STIGMEM_NODE_PRIVATE_KEY: Buffer.alloc(32, 9).toString('base64url') });
    // A key from the environment is an identity already: no first-run question.
    const node = (await host.start())!;
    expect(await rotateKeyOperation(host)({ confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'configured_key' } });
    expect(host.current()).toBe(node);
  });
});

describe('restoring the database from the desktop', () => {
  it('checks while the node runs, then stops it, puts the backup back and starts it on the same key', async () => {
    const host = hostFor();
    const before = (await startNew(host))!;
    const write = (node: RunningNode, entity: string) => node.deps.db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
      VALUES (${entity}, ${'sha256:' + entity}, ${entity}, 'memory:role', 'string', 'v', 'stigmem://org-a.example/agent', '2026-05-26T12:00:00.000000+00:00', '1.000', 1, 'local')`);
    write(before, 'stigmem://org-a.example/e/kept');
    const path = join(dirname(before.deps.config.dbPath), 'data.sqlite');
    expect(await runAdminOperation(before.deps, 'data:backup', { path })).toMatchObject({ ok: true });
    write(before, 'stigmem://org-a.example/e/later');

    const restore = restoreDataOperation(host);
    expect(await restore({ path, confirmEntity: 'stigmem://someone-else.example' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await restore({ path: join(dirname(path), 'absent.sqlite'), confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    expect(host.current()).toBe(before);

    const r = await restore({ path, confirmEntity: ORG });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    const after = host.current()!;
    expect(after).not.toBe(before);
    expect(after.deps.keys.org.keyId).toBe(before.deps.keys.org.keyId);
    expect(after.deps.db.all<{ entity: string }>(sql`SELECT entity FROM facts ORDER BY entity`)).toEqual([{ entity: 'stigmem://org-a.example/e/kept' }]);
    expect(existsSync(r.value.previousSavedAs)).toBe(true);
    expect(after.deps.db.all(sql`SELECT event_type FROM audit_events WHERE event_type = 'database_restored'`)).toHaveLength(1);
    expect(host.phase()).toEqual({ phase: 'ready' });
  });

  it('holds a restore or a rotation off while a backup is under way, without stopping the node', async () => {
    const host = hostFor();
    const node = (await startNew(host))!;
    node.deps.db.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        node.deps.db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
          VALUES (${`id-${i}`}, ${`sha256:${i}`}, ${`${ORG}/e/${i}`}, 'memory:role', 'string', ${'v'.repeat(1000)}, ${`${ORG}/agent`}, '2026-05-26T12:00:00.000000+00:00', '1.000', 1, 'local')`);
      }
    });
    expect(await runAdminOperation(node.deps, 'manifest:publish', { entities: [ORG], validDays: 30 })).toMatchObject({ ok: true });
    const earlier = join(dirname(node.deps.config.dbPath), 'earlier.sqlite');
    expect(await runAdminOperation(node.deps, 'data:backup', { path: earlier })).toMatchObject({ ok: true });
    const running = runAdminOperation(node.deps, 'data:backup', { path: join(dirname(earlier), 'now.sqlite') });
    expect(await restoreDataOperation(host)({ path: earlier, confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'busy', message: expect.stringContaining('now.sqlite') } });
    expect(await rotateKeyOperation(host)({ confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(host.current()).toBe(node);
    expect(await running).toMatchObject({ ok: true, value: { facts: 3000 } });
    // Once it is done, the same restore goes ahead.
    expect(await restoreDataOperation(host)({ path: earlier, confirmEntity: ORG })).toMatchObject({ ok: true });
  });
});

describe('a first start on an empty data folder', () => {
  it('waits for the operator\'s choice before touching the folder, then starts with a new identity', async () => {
    const host = hostFor();
    const started = host.start();
    while (host.phase().phase !== 'first-run') await pause(5);
    const phase = host.phase();
    expect(phase).toMatchObject({ phase: 'first-run', keyStore: 'file' });
    const dbPath = join((phase as { dataDir: string }).dataDir, 'node.db');
    expect(existsSync(dbPath)).toBe(false);
    expect(host.current()).toBeNull();
    const node = (await host.chooseIdentity({ choice: 'new' }).then(() => started))!;
    expect(node.deps.config.dbPath).toBe(dbPath);
    expect(host.phase()).toEqual({ phase: 'ready' });
    expect(await host.chooseIdentity({ choice: 'new' })).toMatchObject({ ok: false, error: { code: 'not_first_run' } });

    // The next start on the same folder asks nothing and keeps the identity.
    await host.stop();
    const again = new DesktopNodeHost<RunningNode>({ configure: () => node.deps.config, upgrade: async () => undefined, start: (c) => startNode(c) });
    hosts.push(again);
    const second = (await again.start())!;
    expect(second.deps.nodeId).toBe(node.deps.nodeId);
    expect(second.deps.keys.org.publicKey).toBe(node.deps.keys.org.publicKey);
  });

  it('restores the organisation from a backup: refused with the wrong passphrase (still asking), then the same node and key', async () => {
    const original = hostFor();
    const first = (await startNew(original))!;
    const backupPath = join(dirs.at(-1)!, 'org-key.backup');
    const { runAdminOperation } = await import('../../../src/main/node/console/handlers.js');
    expect((await runAdminOperation(first.deps, 'identity:backup', { path: backupPath, passphrase: 'Nine silver Rivers 77' })).ok).toBe(true);
    await original.stop();

    const replacement = hostFor();
    const started = replacement.start();
    while (replacement.phase().phase !== 'first-run') await pause(5);
    expect(await replacement.chooseIdentity({ choice: 'restore', path: backupPath, passphrase: 'Nine silver Rivers 78' })).toMatchObject({ ok: false, error: { code: 'passphrase_wrong' } });
    expect(await replacement.chooseIdentity({ choice: 'restore', path: join(dirs.at(-1)!, 'missing.backup'), passphrase: 'x' })).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    expect(await replacement.chooseIdentity({ choice: 'restore', path: 'org-key.backup', passphrase: 'x' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(replacement.phase().phase).toBe('first-run');
    const r = await replacement.chooseIdentity({ choice: 'restore', path: backupPath, passphrase: 'Nine silver Rivers 77' });
    expect(r).toMatchObject({ ok: true, value: { choice: 'restore', restored: { nodeId: first.deps.nodeId, keyId: first.deps.keys.org.keyId } } });
    const node = (await started)!;
    expect(node.deps.nodeId).toBe(first.deps.nodeId);
    expect(await wellKnownKey(node)).toBe(first.deps.keys.org.publicKey);
    expect(node.deps.config.dbPath).not.toBe(first.deps.config.dbPath);
  });
});
