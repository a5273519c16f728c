// Key rotation on a stopped node's folder: new key in the same store, old key kept and still trusted for its window,
// rotation event and log entry signed by the old key, manifest re-signed through the PUT path, and the node restarting
// with the new key under the same node id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupIdentity } from '../../../src/main/node/ceremony/backup.js';
import { initCeremony, type InitReport } from '../../../src/main/node/ceremony/init.js';
import { signManifestOffline } from '../../../src/main/node/ceremony/manifestSign.js';
import { verifyCeremonyRecordFile } from '../../../src/main/node/ceremony/record.js';
import { restoreIdentity } from '../../../src/main/node/ceremony/restore.js';
import type { Clock } from '../../../src/main/node/clock.js';
import type { NodeConfig } from '../../../src/main/node/config/env.js';
import { generateSeed, verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { sql, type WriteDb } from '../../../src/main/node/db/sql.js';
import { loadNodeKeys } from '../../../src/main/node/identity/keys.js';
import { parseManifestBody } from '../../../src/main/node/manifests/input.js';
import { manifestUpdateError, rotationEventSigningBody } from '../../../src/main/node/manifests/rotation.js';
import { manifestSignatureError } from '../../../src/main/node/manifests/signing.js';
import { latestManifestFor } from '../../../src/main/node/manifests/store.js';
import { verifyKeyRotationEntry, type KeyRotationLogEntry } from '../../../src/main/node/rotation/logEntry.js';
import { rotateIdentityKey } from '../../../src/main/node/rotation/rotate.js';
import { previousKeysTrustedAt, rotationChainTo } from '../../../src/main/node/rotation/store.js';
import { createNode } from '../../../src/main/node/runtime.js';
import { acquireRunLock } from '../../../src/main/node/runLock.js';
import { PemFileStore } from '../../../src/main/node/secrets/file.js';
import { loadSigner, previousAccountFor, replaceKey } from '../../../src/main/node/secrets/identityKeys.js';
import { readLeaf, treeSize } from '../../../src/main/node/transparency/store.js';
import { verifyInclusion } from '../../../src/main/node/transparency/verifier.js';
import { ADMIN_KEY } from '../../helpers/inject.js';
import { ceremonyFolder, ENTITY, expectFailure, expectOk, GOOD_PASSPHRASE, removeFolders, type Folder } from '../ceremony/helpers.js';
import { testClock } from '../manifests/fixtures.js';

afterAll(removeFolders);
const DAY = 86_400_000;
const BOT = `${ENTITY}/agent/bot`;

type Node = Awaited<ReturnType<typeof createNode>>;

async function call(node: Node, method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await node.app.inject({ method, url, payload, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload ? { 'content-type': 'application/json' } : {}) } });
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}

async function stop(node: Node): Promise<void> {
  await node.app.close();
  node.deps.db.raw.close();
}

/** A folder whose node has its key from a ceremony, a published manifest and one token issued under the old key. */
async function publishedFolder(c: Clock) {
  const f = ceremonyFolder({ STIGMEM_ADMIN_KEY: ADMIN_KEY });
  const id = expectOk(await initCeremony({ config: f.config, clock: c }));
  const signed = expectOk(await signManifestOffline({ config: f.config, clock: c, entities: [ENTITY, BOT], outPath: join(f.dir, 'manifest.json') }));
  const node = await createNode(f.config, { clock: c });
  expect((await call(node, 'PUT', '/v1/federation/manifest', readFileSync(signed.path, 'utf8'))).status).toBe(200);
  const issued = await call(node, 'POST', '/v1/federation/capability-tokens', { issuer: ENTITY, subject: BOT, verb: 'write', object: 'stigmem://facts', ttl_seconds: 86_400 });
  expect(issued.status).toBe(201);
  await stop(node);
  return { f, id, manifestText: readFileSync(signed.path, 'utf8'), tokenJson: issued.body['token_json'] as string };
}

async function withDb<T>(config: NodeConfig, work: (db: WriteDb) => Promise<T> | T): Promise<T> {
  const db = openDatabase(config.dbPath);
  try {
    return await work(db);
  } finally {
    db.raw.close();
  }
}

const storeOf = (f: Folder, id: InitReport) => new PemFileStore(f.config.dbPath, id.nodeId);

describe('rotateIdentityKey', () => {
  it('rotates the key, re-signs and logs the manifest, and the restarted node uses the new key and still trusts the old one', async () => {
    const c = testClock();
    const { f, id, tokenJson } = await publishedFolder(c);
    c.advance(60_000);
    const r = expectOk(await rotateIdentityKey({ config: f.config, clock: c }));
    expect(r).toMatchObject({ nodeId: id.nodeId, previous: { publicKey: id.publicKey, keyId: id.keyId }, dualTrustDays: 90, isResumed: false });
    expect(r.current.publicKey).not.toBe(id.publicKey);
    expect(r.dualTrustExpiresAt).toBe('2026-08-30T00:01:00.000000Z');
    // The event: four fields signed by the old key, with the old public key for token verifiers.
    expect(r.event).toMatchObject({ previous_key_id: id.keyId, new_key_id: r.current.keyId, new_public_key: r.current.publicKey, previous_public_key: id.publicKey });
    expect(verifyB64(id.publicKey, rotationEventSigningBody(r.event), r.event.signature)).toBe(true);
    // Same store: the new key under the node id, the old one beside it.
    expect((await loadSigner(storeOf(f, id), id.nodeId))?.publicKey).toBe(r.current.publicKey);
    expect((await loadSigner(storeOf(f, id), previousAccountFor(id.nodeId, id.keyId)))?.publicKey).toBe(id.publicKey);
    await withDb(f.config, async (db) => {
      const keys = await loadNodeKeys(f.config, db);
      expect([keys.nodeId, keys.org.publicKey]).toEqual([id.nodeId, r.current.publicKey]);
      const stored = latestManifestFor(db, ENTITY)!;
      const input = parseManifestBody(JSON.parse(stored.document) as Record<string, unknown>);
      expect(stored.key_id).toBe(r.current.keyId);
      expect(manifestSignatureError(input)).toBeNull();
      expect(manifestUpdateError(input, { key_id: id.keyId, public_key: id.publicKey })).toBeNull();
      expect(input.entities).toEqual([ENTITY, BOT]);
      // The key-rotation leaf: the reference's seven fields plus rotation_sig by the retiring key, index as an integer.
      const [m] = r.manifests;
      const leaf = readLeaf(db, m!.rotationLogEntry.log_index)!;
      expect(leaf.kind).toBe('key_rotation');
      expect(leaf.entry.toString()).toContain(`"manifest_log_index":${m!.logEntry.log_index},`);
      const entry = JSON.parse(leaf.entry.toString()) as KeyRotationLogEntry;
      expect(entry).toEqual({ ...m!.rotationEntry });
      expect(entry).toMatchObject({ event_type: 'key_rotation', entity_uri: ENTITY, old_key_id: id.keyId, new_key_id: r.current.keyId, dual_trust_expires_at: r.dualTrustExpiresAt });
      expect(verifyKeyRotationEntry(entry, id.publicKey)).toBe(true);
      expect(verifyKeyRotationEntry(entry, r.current.publicKey)).toBe(false);
      for (const e of [m!.logEntry, m!.rotationLogEntry]) expect(verifyInclusion(e.leaf_hash, e.log_index, e.tree_size, e.inclusion_proof, e.root_hash)).toBe(true);
      // The dual-trust window.
      const rotatedAt = c.nowMs();
      expect(previousKeysTrustedAt(db, rotatedAt).map((k) => k.publicKey)).toEqual([id.publicKey]);
      expect(previousKeysTrustedAt(db, rotatedAt + 90 * DAY - 1)).toHaveLength(1);
      expect(previousKeysTrustedAt(db, rotatedAt + 90 * DAY)).toEqual([]);
      // Audited with the manifest it re-signed, in the same transaction as the rotation.
      const audit = db.all<{ event_type: string; subject: string; detail: string }>(sql`SELECT event_type, subject, detail FROM audit_events WHERE event_type IN ('key_rotated', 'manifest_published') ORDER BY seq`);
      expect(audit.map((e) => [e.event_type, e.subject])).toEqual([['manifest_published', ENTITY], ['manifest_published', ENTITY], ['key_rotated', r.current.keyId]]);
      expect(JSON.parse(audit[2]!.detail)).toEqual({ previous_key_id: id.keyId, dual_trust_expires_at: r.dualTrustExpiresAt, manifests_resigned: [ENTITY] });
    });
    expect(expectOk(verifyCeremonyRecordFile(r.recordPath, id.publicKey)).publicKeys).toEqual([id.publicKey, r.current.publicKey]);
    // Restart: the node signs with the new key, serves the re-signed manifest, and a token signed by the old key verifies.
    const node = await createNode(f.config, { clock: c });
    try {
      expect(node.deps.nodeId).toBe(id.nodeId);
      expect(node.deps.keys.org.publicKey).toBe(r.current.publicKey);
      expect((await call(node, 'GET', '/.well-known/stigmem')).body['public_key']).toBe(r.current.publicKey);
      expect((await call(node, 'GET', `/v1/federation/manifest/${encodeURIComponent(ENTITY)}`)).body['key_id']).toBe(r.current.keyId);
      expect((await call(node, 'POST', '/v1/federation/capability-tokens/verify', { token_json: tokenJson })).body).toEqual({ valid: true });
    } finally {
      await stop(node);
    }
  });

  it('rotates again with the chain extended, and manifests signed offline afterwards carry the whole chain', async () => {
    const c = testClock();
    const { f, id, manifestText } = await publishedFolder(c);
    const first = expectOk(await rotateIdentityKey({ config: f.config, clock: c, dualTrustDays: 120 }));
    c.advance(DAY);
    const second = expectOk(await rotateIdentityKey({ config: f.config, clock: c }));
    expect(second.previous.publicKey).toBe(first.current.publicKey);
    expect(second.manifests[0]!.manifest.rotation_events).toHaveLength(2);
    await withDb(f.config, (db) => {
      expect(rotationChainTo(db, second.current.publicKey)).toHaveLength(2);
      expect(previousKeysTrustedAt(db, c.nowMs()).map((k) => k.keyId)).toEqual([first.current.keyId, id.keyId]);
      // The first window was 120 days, the second 90.
      expect(previousKeysTrustedAt(db, c.nowMs() + 100 * DAY).map((k) => k.keyId)).toEqual([id.keyId]);
    });
    // A node that only ever saw the original manifest accepts one signed now for another entity... of the same key chain.
    const later = expectOk(await signManifestOffline({ config: f.config, clock: c, outPath: join(f.dir, 'later.json') }));
    expect(later.manifest.rotation_events.map((e) => e.new_key_id)).toEqual([first.current.keyId, second.current.keyId]);
    const other = await createNode(ceremonyFolder({ STIGMEM_ADMIN_KEY: ADMIN_KEY }).config, { clock: c });
    try {
      expect((await call(other, 'PUT', '/v1/federation/manifest', manifestText)).status).toBe(200);
      const put = await call(other, 'PUT', '/v1/federation/manifest', readFileSync(later.path, 'utf8'));
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    } finally {
      await stop(other);
    }
  });

  it('refuses to restore a backup of the key it rotated away from, unless forced, and says what forcing means', async () => {
    const c = testClock();
    const { f, id } = await publishedFolder(c);
    const before = join(f.dir, 'before-rotation.backup');
    expectOk(await backupIdentity({ config: f.config, clock: c, outPath: before, passphrase: GOOD_PASSPHRASE }));
    const rotated = expectOk(await rotateIdentityKey({ config: f.config, clock: c }));
    const refused = expectFailure(await restoreIdentity({ config: f.config, clock: c, backupPath: before, passphrase: GOOD_PASSPHRASE }), 'key_retired');
    expect(refused).toContain(`${id.keyId.slice(0, 16)}…, which this node rotated away from on ${rotated.rotatedAt}`);
    expect((await loadSigner(storeOf(f, id), id.nodeId))?.publicKey).toBe(rotated.current.publicKey);
    // A backup made after the rotation restores as usual.
    const after = join(f.dir, 'after-rotation.backup');
    expectOk(await backupIdentity({ config: f.config, clock: c, outPath: after, passphrase: GOOD_PASSPHRASE }));
    expect(expectOk(await restoreIdentity({ config: f.config, clock: c, backupPath: after, passphrase: GOOD_PASSPHRASE })).wasAlreadyPresent).toBe(true);
    const forced = expectOk(await restoreIdentity({ config: f.config, clock: c, backupPath: before, passphrase: GOOD_PASSPHRASE, force: true }));
    expect(forced).toMatchObject({ publicKey: id.publicKey, replacedPublicKey: rotated.current.publicKey });
    expect(forced.notices.join('\n')).toContain('peers that follow the rotation chain will refuse its signatures');
  });

  it('refuses a short or absurd window, a folder without a manifest, key or own key', async () => {
    const c = testClock();
    const { f } = await publishedFolder(c);
    expect(expectFailure(await rotateIdentityKey({ config: f.config, clock: c, dualTrustDays: 89 }), 'dual_trust_too_short')).toContain('at least 90');
    expectFailure(await rotateIdentityKey({ config: f.config, clock: c, dualTrustDays: 4000 }), 'invalid_argument');
    expectFailure(await rotateIdentityKey({ config: f.config, clock: c, manifestValidityDays: 800 }), 'invalid_argument');
    const bare = ceremonyFolder();
    expectFailure(await rotateIdentityKey({ config: bare.config, clock: c }), 'no_identity');
    expectOk(await initCeremony({ config: bare.config, clock: c }));
    expect(expectFailure(await rotateIdentityKey({ config: bare.config, clock: c }), 'manifest_missing')).toContain('--manifest FILE');
    expectFailure(await rotateIdentityKey({ config: f.withEnv({ STIGMEM_NODE_PRIVATE_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' }), clock: c }), 'configured_key');
  });

  it('refuses while a node runs on the folder, and leaves the key where it was', async () => {
    const c = testClock();
    const { f, id } = await publishedFolder(c);
    const node = acquireRunLock(f.config.dbPath);
    try {
      expect(expectFailure(await rotateIdentityKey({ config: f.config, clock: c }), 'node_running')).toContain(`pid ${process.pid}`);
      expect((await loadSigner(storeOf(f, id), id.nodeId))?.publicKey).toBe(id.publicKey);
    } finally {
      node.release();
    }
    // The node has stopped, so the rotation goes ahead.
    expect(expectOk(await rotateIdentityKey({ config: f.config, clock: c })).previous.publicKey).toBe(id.publicKey);
  });

  it('puts the old key back when the database write fails', async () => {
    const c = testClock();
    const { f, id } = await publishedFolder(c);
    const before = await withDb(f.config, (db) => {
      db.raw.exec(`CREATE TRIGGER refuse_rotation BEFORE INSERT ON key_rotations BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
      return { size: treeSize(db), manifests: db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM federation_manifests`)!.n };
    });
    expect(expectFailure(await rotateIdentityKey({ config: f.config, clock: c }), 'internal_error')).toContain('disk full');
    expect((await loadSigner(storeOf(f, id), id.nodeId))?.publicKey).toBe(id.publicKey);
    expect(await storeOf(f, id).get(previousAccountFor(id.nodeId, id.keyId))).toBeNull();
    await withDb(f.config, (db) => {
      expect(treeSize(db)).toBe(before.size);
      expect(db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM federation_manifests`)!.n).toBe(before.manifests);
    });
  });

  it('refuses a second rotation within the hour unless asked again (a rerun of a command whose answer was lost)', async () => {
    const c = testClock();
    const { f, id } = await publishedFolder(c);
    const first = expectOk(await rotateIdentityKey({ config: f.config, clock: c }));
    c.advance(10 * 60_000);
    const refusal = expectFailure(await rotateIdentityKey({ config: f.config, clock: c }), 'recently_rotated');
    expect(refusal).toContain(`already rotated 10 min ago (at ${first.rotatedAt}, key id ${id.keyId} to ${first.current.keyId})`);
    expect((await loadSigner(storeOf(f, id), id.nodeId))?.publicKey).toBe(first.current.publicKey);
    const again = expectOk(await rotateIdentityKey({ config: f.config, clock: c, again: true }));
    expect(again.previous.publicKey).toBe(first.current.publicKey);
    c.advance(61 * 60_000);
    expect(expectOk(await rotateIdentityKey({ config: f.config, clock: c })).previous.publicKey).toBe(again.current.publicKey);
  });

  it('finishes a rotation whose new key was stored but not logged', async () => {
    const c = testClock();
    const { f, id } = await publishedFolder(c);
    const placed = await replaceKey(storeOf(f, id), id.nodeId, generateSeed());
    // A node started in between says what happened and how to finish, on start and on the Overview, and lets the Keys screen finish it.
    const between = await createNode(f.config, { clock: c });
    expect(between.deps.interruptedRotation).toEqual({ previousKeyId: id.keyId });
    expect(between.notices).toContainEqual(expect.stringContaining('A key rotation was interrupted'));
    const status = (await call(between, 'POST', '/console/api/node:status', {})).body as { value: { attention: { code: string; screen: string }[] } };
    expect(status.value.attention).toContainEqual(expect.objectContaining({ code: 'key_rotation_interrupted', screen: 'keys' }));
    const identity = (await call(between, 'POST', '/console/api/identity:overview', {})).body as { value: { rotation: { isPossible: boolean } } };
    expect(identity.value.rotation.isPossible).toBe(true);
    await stop(between);
    const r = expectOk(await rotateIdentityKey({ config: f.config, clock: c }));
    expect(r).toMatchObject({ isResumed: true, previous: { publicKey: id.publicKey }, current: { publicKey: placed.signer.publicKey } });
    await withDb(f.config, (db) => expect(latestManifestFor(db, ENTITY)?.public_key).toBe(placed.signer.publicKey));
    const after = await createNode(f.config, { clock: c });
    expect(after.deps.interruptedRotation).toBeNull();
    expect(after.notices.join('\n')).not.toContain('interrupted');
    await stop(after);
  });

  it('on an offline workstation, re-signs the manifest given as a file and stores it', async () => {
    const c = testClock();
    const f = ceremonyFolder();
    const id = expectOk(await initCeremony({ config: f.config, clock: c }));
    const signed = expectOk(await signManifestOffline({ config: f.config, clock: c, outPath: join(f.dir, 'm.json') }));
    expectFailure(await rotateIdentityKey({ config: f.config, clock: c }), 'manifest_missing');
    const r = expectOk(await rotateIdentityKey({ config: f.config, clock: c, baseManifestText: readFileSync(signed.path, 'utf8') }));
    expect(manifestUpdateError(parseManifestBody(r.manifests[0]!.manifest as unknown as Record<string, unknown>), { key_id: id.keyId, public_key: id.publicKey })).toBeNull();
    expectFailure(await rotateIdentityKey({ config: f.config, clock: c, baseManifestText: '{"entity_uri":"x"}' }), 'manifest_invalid');
  });
});
