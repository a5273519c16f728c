// The Overview's "needs attention" list: empty on a healthy node; a manifest near or past its end, a key or database
// never backed up, peers that do not replicate, failing automatic backups, API keys about to expire and facts waiting
// in quarantine each add one item, naming the screen that deals with it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttentionItem, NodeStatus } from '../../../src/shared/contract.js';
import type { DataOverview } from '../../../src/shared/data.js';
import { applyBackupSchedule, backupSchedule } from '../../../src/main/node/data/schedule.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { insertPeer } from '../../../src/main/node/federation/peers/repo.js';
import { issueCert, makeCa, opensslMissing, type NodeCert } from '../../helpers/certs.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { VECTOR, testClock } from '../manifests/fixtures.js';
import { insertFact, operationsOn, valueOf } from './helpers.js';

const DAY = 86_400_000;
const NODE_ID = 'stigmem:node:0123456789abcdef0123456789abcdef';
const noOpenssl = opensslMissing();
if (noOpenssl) console.log(`skipped (mTLS certificate): ${noOpenssl}`);
let n: TestNode;
afterEach(async () => {
  applyBackupSchedule(n.deps, null);
  await n.close();
});

const attention = async (): Promise<AttentionItem[]> => valueOf(await operationsOn(() => n.deps)<NodeStatus>('node:status')).attention;
const codes = async (): Promise<string[]> => (await attention()).map((i) => i.code);
const op = (name: string, arg?: unknown) => operationsOn(() => n.deps)(name, arg);
/** Back up the key (when it is the node's own) and the database, as a node in good order has. */
async function backUp(): Promise<void> {
  if (valueOf(await operationsOn(() => n.deps)<NodeStatus>('node:status')).keyBackup.isPossible) valueOf(await op('identity:backup', { path: join(n.dir, 'org-key.backup'), passphrase: 'Twelve brass Bells 60' }));
  valueOf(await op('data:backup', { path: join(n.dir, 'node-data.sqlite') }));
}

describe('what needs attention', () => {
  it('is nothing on a healthy node, then the manifest as its end nears and passes', async () => {
    const clock = testClock();
    n = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed, STIGMEM_ENTITY_URI: VECTOR.body['entity_uri'] as string }, { clock });
    await backUp();
    expect(await attention()).toEqual([]);
    expect((await n.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: '__self_sign__' })).status).toBe(200);
    expect(await attention()).toEqual([]);
    const end = Date.parse(VECTOR.body['expires_at'] as string);
    clock.set(end - 15 * DAY);
    expect(await attention()).toEqual([]);
    clock.set(end - 13 * DAY);
    expect(await attention()).toEqual([{ code: 'manifest_expiring', screen: 'manifest', message: 'The organisation manifest expires on 2026-12-31; publish its successor before then.' }]);
    clock.set(end + 1);
    expect(await attention()).toEqual([{ code: 'manifest_expired', screen: 'manifest', message: expect.stringContaining('expired on 2026-12-31: peers cannot verify') }]);
  });

  it('says first that a node in memory keeps nothing when it stops', async () => {
    n = await makeTestNode({ STIGMEM_DB_PATH: ':memory:' });
    expect((await attention())[0]).toEqual({ code: 'memory_only', screen: null, message: expect.stringContaining('its facts, peers and key are gone when it stops') });
  });

  it('names failing peers, failing automatic backups, expiring API keys and facts waiting in quarantine', async () => {
    n = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
    await backUp();
    const peer = { nodeUrl: 'http://127.0.0.1:9', entityUri: null, trustedPublicKey: VECTOR.publicKey, registration: 'pinned' as const, allowedScopes: ['public'], declaration: null, createdAt: 't', establishedAt: 't' };
    insertPeer(n.deps.db, { ...peer, id: 'ok', nodeId: 'stigmem:node:ok', status: 'active', error: null });
    insertPeer(n.deps.db, { ...peer, id: 'bad', nodeId: 'stigmem:node:bad', nodeUrl: 'http://127.0.0.1:10', status: 'key_mismatch', error: 'signature_mismatch' });

    // A backup folder that cannot be made: a file stands where it should be.
    const blocked = join(n.dir, 'blocked');
    writeFileSync(blocked, 'not a folder');
    applyBackupSchedule(n.deps, { dir: join(blocked, 'backups'), intervalMinutes: 60, keep: 3 });
    expect((await backupSchedule(n.deps)!.runOnce()).ok).toBe(false);

    const soon = new Date(Date.now() + 3 * DAY).toISOString();
    n.deps.apiKeys.create({ rawKey: 'soon-gone-key-0123456789abcdef0123', entityUri: 'stigmem://org-a.example/agent/bot', permissions: ['read'], expiresAt: soon }, new Date().toISOString());
    n.deps.apiKeys.create({ rawKey: 'long-lived-key-0123456789abcdef012', entityUri: 'stigmem://org-a.example/agent/other', permissions: ['read'], expiresAt: new Date(Date.now() + 60 * DAY).toISOString() }, new Date().toISOString());

    const quarantine = n.deps.db.get<{ id: string }>(sql`SELECT id FROM gardens WHERE slug = 'quarantine'`)!.id;
    for (let i = 0; i < 2; i++) {
      const id = insertFact(n.deps, { entity: `stigmem://org-b.example/e/${i}`, relation: 'memory:role', valueType: 'string', value: `v${i}` });
      n.deps.db.run(sql`UPDATE facts SET quarantine_garden_id = ${quarantine} WHERE id = ${id}`);
    }

    const items = await attention();
    expect(items.map((i) => [i.code, i.screen])).toEqual([
      ['peers_failing', 'peers'], ['automatic_backup_failing', 'data'], ['api_keys_expiring', null], ['quarantine_pending', 'quarantine'],
    ]);
    expect(items[0]!.message).toBe('1 peer is not replicating (http://127.0.0.1:10: signature_mismatch).');
    expect(items[1]!.message).toContain('Automatic database backups are failing:');
    expect(items[2]!.message).toBe(`1 API key expires within 14 days (first: stigmem://org-a.example/agent/bot on ${soon.slice(0, 10)}); its holder needs a new one (POST /v1/auth/keys).`);
    expect(items[3]!.message).toBe('2 facts wait in quarantine for review.');

    // Put right, each goes away.
    n.deps.db.run(sql`UPDATE peers SET status = 'active', error = NULL WHERE id = 'bad'`);
    mkdirSync(join(n.dir, 'backups'));
    applyBackupSchedule(n.deps, { dir: join(n.dir, 'backups'), intervalMinutes: 60, keep: 3 });
    expect(await codes()).toEqual(['api_keys_expiring', 'quarantine_pending']);
  });

  it("asks for a first backup of the node's own key and of its database, until each has one", async () => {
    n = await makeTestNode({ STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
    expect(await attention()).toEqual([
      { code: 'key_never_backed_up', screen: 'keys', message: "The identity key has no recorded backup: if this machine is lost, so is the organisation's identity." },
      { code: 'database_never_backed_up', screen: 'data', message: 'The database has never been backed up: if this disk fails, its facts, peers and audit log go with it.' },
    ]);
    valueOf(await op('identity:backup', { path: join(n.dir, 'org-key.backup'), passphrase: 'Twelve brass Bells 60' }));
    expect(await codes()).toEqual(['database_never_backed_up']);
    // Automatic backups count as looking after it, before the first is taken.
    applyBackupSchedule(n.deps, { dir: join(n.dir, 'auto'), intervalMinutes: 60, keep: 3 });
    expect(await codes()).toEqual([]);
  });

  it('warns while the database\'s disk has less free space than STIGMEM_DISK_WARN_FREE_MB, and never when it is 0', async () => {
    // More than any disk here holds, so the real file system's figure is below it.
    n = await makeTestNode({ STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_DISK_WARN_FREE_MB: '1000000000' });
    await backUp();
    const items = await attention();
    expect(items.map((i) => [i.code, i.screen])).toEqual([['disk_space_low', 'data']]);
    expect(items[0]!.message).toMatch(new RegExp(`^Only \\d+(\\.\\d)? (KB|MB|GB|TB) is free on the disk that holds the database \\(${n.dir}\\)\\.`));
    const data = valueOf(await op('data:overview')) as DataOverview;
    expect(data.disk).toMatchObject({ isLow: true, freeBytes: expect.any(Number), totalBytes: expect.any(Number) });
    expect(data.disk!.freeBytes).toBeLessThanOrEqual(data.disk!.totalBytes);
    await n.close();

    n = await makeTestNode({ STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_DISK_WARN_FREE_MB: '0' });
    await backUp();
    expect(await codes()).toEqual([]);
    expect((valueOf(await op('data:overview')) as DataOverview).disk).toMatchObject({ isLow: false });
  });

  it.skipIf(noOpenssl !== null)('warns about the mTLS certificate or its CA near or past their end, and a certificate naming another node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-attention-tls-'));
    try {
      const ca = makeCa(dir, 'ca', 400);
      const clock = testClock();
      const tlsEnv = (cert: NodeCert) => ({ STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_NODE_ID: NODE_ID, STIGMEM_TLS_CERT_PATH: cert.certPath, STIGMEM_TLS_KEY_PATH: cert.keyPath, STIGMEM_TLS_CA_BUNDLE: ca.certPath });
      n = await makeTestNode(tlsEnv(issueCert(dir, ca, 'long', [NODE_ID], 200)), { clock });
      clock.set(Date.now());
      await backUp();
      expect(await attention()).toEqual([]);
      const status = valueOf(await operationsOn(() => n.deps)<NodeStatus>('node:status'));
      expect(status.tls).toMatchObject({ certificateUris: [NODE_ID], namesThisNode: true });
      clock.set(Date.parse(status.tls!.validTo) - 13 * DAY);
      expect(await attention()).toEqual([{ code: 'tls_certificate_expiring', screen: null, message: expect.stringContaining('TLS certificate (STIGMEM_TLS_CERT_PATH) expires on') }]);
      clock.set(Date.parse(status.tls!.validTo) + 1);
      // Past the certificate, the CA (400 days) has not ended yet: the certificate is named.
      expect(await codes()).toEqual(['tls_certificate_expired']);
      await n.close();

      clock.set(Date.now());
      n = await makeTestNode(tlsEnv(issueCert(dir, ca, 'other', ['stigmem:node:ffffffffffffffffffffffffffffffff'], 200)), { clock });
      await backUp();
      expect(await attention()).toEqual([{ code: 'tls_certificate_other_node', screen: null, message: expect.stringContaining(`names stigmem:node:ffffffffffffffffffffffffffffffff, not this node's id ${NODE_ID}`) }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

