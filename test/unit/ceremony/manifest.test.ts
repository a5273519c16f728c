// Offline manifest signing (the §3.4 vector, files a node's PUT accepts) and publishing with a checked inclusion proof.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSignedManifest, signManifestOffline, type SignedManifestFile } from '../../../src/main/node/ceremony/manifestSign.js';
import { publishManifestToNode } from '../../../src/main/node/ceremony/publish.js';
import { pkcs8PemFromSeed } from '../../../src/main/node/crypto/ed25519.js';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { parseManifestBody } from '../../../src/main/node/manifests/input.js';
import { manifestSignatureError, manifestSigningBody } from '../../../src/main/node/manifests/signing.js';
import { recordIdentity } from '../../../src/main/node/meta.js';
import { loadSigner, placeIdentityKey } from '../../../src/main/node/secrets/identityKeys.js';
import { MemoryStore } from '../../../src/main/node/secrets/memory.js';
import { ADMIN_KEY, makeTestNode, type TestNode } from '../../helpers/inject.js';
import { testClock, VECTOR } from '../manifests/fixtures.js';
import { ceremonyFolder, clock, ENTITY, expectFailure, expectOk, removeFolders, type Folder } from './helpers.js';

afterAll(removeFolders);
const VECTOR_KEY_ID_64 = '56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c';
const vectorSeed = (): Uint8Array => new Uint8Array(Buffer.from(VECTOR.seed, 'base64url'));
const vectorFields = { entityUri: VECTOR.body.entity_uri, entities: VECTOR.body.entities, issuedAt: VECTOR.body.issued_at, expiresAt: VECTOR.body.expires_at };

/** A data folder whose file store holds the §3.4 seed as its node key. */
function vectorFolder(): Folder {
  const f = ceremonyFolder();
  const db = openDatabase(f.config.dbPath);
  recordIdentity(db, 'stigmem:node:vector', { keyStore: 'file', fallbackReason: null });
  db.raw.close();
  writeFileSync(join(f.dir, 'stigmem.identity.pem'), pkcs8PemFromSeed(vectorSeed()), { mode: 0o600 });
  return f;
}

describe('buildSignedManifest', () => {
  it('signs exactly the §3.4 body and reproduces its signature (key held in a memory store)', async () => {
    const store = new MemoryStore();
    await placeIdentityKey(store, 'vector', vectorSeed());
    const signer = (await loadSigner(store, 'vector'))!;
    const doc = buildSignedManifest(signer, vectorFields, { keyId: VECTOR.keyId16 });
    expect(manifestSigningBody(parseManifestBody(doc as unknown as Record<string, unknown>)).toString()).toBe(JSON.stringify(VECTOR.body));
    expect(doc.signature).toBe(VECTOR.signature);
    expect(doc.manifest_version).toBe(1);
  });
});

describe('signManifestOffline', () => {
  it('writes a file with the 64-hex key id that the manifests verifier accepts, and records the step', async () => {
    const f = vectorFolder();
    const out = join(f.dir, 'manifest.json');
    const v = expectOk(await signManifestOffline({ config: f.config, clock, entities: VECTOR.body.entities.join(','), issuedAt: vectorFields.issuedAt, expires: vectorFields.expiresAt, outPath: out }));
    const file = JSON.parse(readFileSync(out, 'utf8')) as SignedManifestFile;
    expect(file).toEqual(v.manifest);
    expect(file).toMatchObject({ manifest_version: 1, entity_uri: ENTITY, key_id: VECTOR_KEY_ID_64, public_key: VECTOR.publicKey, rotation_events: [] });
    const input = parseManifestBody(file as unknown as Record<string, unknown>);
    expect(manifestSignatureError(input)).toBeNull();
    expect(manifestSigningBody(input).toString()).toBe(JSON.stringify({ ...VECTOR.body, key_id: VECTOR_KEY_ID_64 }));
    expect(readFileSync(v.recordPath, 'utf8')).toContain(`"manifest_signature":"${file.signature}"`);
  });

  it('reads --expires +<days>d from issued-at and defaults the entities to the entity itself', async () => {
    const f = vectorFolder();
    const v = expectOk(await signManifestOffline({ config: f.config, clock, issuedAt: '2026-05-01T00:00:00Z', expires: '+60d', outPath: join(f.dir, 'm.json') }));
    expect(v.manifest).toMatchObject({ issued_at: '2026-05-01T00:00:00Z', expires_at: '2026-06-30T00:00:00Z', entities: [ENTITY] });
    const now = expectOk(await signManifestOffline({ config: f.config, clock, outPath: join(f.dir, 'n.json') }));
    expect(now.manifest).toMatchObject({ issued_at: '2026-06-01T00:00:00Z', expires_at: '2027-06-01T00:00:00Z' });
  });

  it.each([
    [{ expires: '2026-13-01' }, 'invalid_argument'],
    [{ expires: '2027-01-01' }, 'invalid_argument'],
    [{ issuedAt: 'yesterday' }, 'invalid_argument'],
    [{ issuedAt: '2026-05-01T00:00:00Z', expires: '2026-04-01T00:00:00Z' }, 'manifest_invalid'],
    [{ issuedAt: '2020-01-01T00:00:00Z', expires: '2021-01-01T00:00:00Z' }, 'manifest_invalid'],
    [{ expires: '+800d' }, 'manifest_invalid'],
    [{ entityUri: 'not a uri with spaces' }, 'manifest_invalid'],
  ])('refuses %j with %s and writes nothing', async (over, code) => {
    const f = vectorFolder();
    const out = join(f.dir, 'bad.json');
    expectFailure(await signManifestOffline({ config: f.config, clock, outPath: out, ...over }), code);
    expect(() => readFileSync(out)).toThrow();
  });

  it('refuses a folder without a key, no entity, and an existing output file', async () => {
    const empty = ceremonyFolder();
    expectFailure(await signManifestOffline({ config: empty.config, clock, outPath: join(empty.dir, 'm.json') }), 'no_identity');
    const f = vectorFolder();
    expectFailure(await signManifestOffline({ config: f.withEnv({ STIGMEM_ENTITY_URI: '' }), clock, outPath: join(f.dir, 'm.json') }), 'invalid_argument');
    writeFileSync(join(f.dir, 'taken.json'), '{}');
    expectFailure(await signManifestOffline({ config: f.config, clock, outPath: join(f.dir, 'taken.json') }), 'file_exists');
  });
});

describe('publishManifestToNode', () => {
  let node: TestNode;
  let manifestText: string;
  beforeEach(async () => {
    node = await makeTestNode({}, { clock: testClock() });
    const f = vectorFolder();
    const v = expectOk(await signManifestOffline({ config: f.config, clock, outPath: join(f.dir, 'm.json') }));
    manifestText = readFileSync(v.path, 'utf8');
  });
  afterEach(async () => node.close());

  /** fetch, answered by the in-process node; `alter` edits its answer. */
  const nodeFetch = (alter: (body: Record<string, unknown>) => void = () => undefined): typeof fetch => async (input, init) => {
    const url = new URL(String(input));
    const res = await node.app.inject({ method: init!.method as 'PUT', url: url.pathname, headers: init!.headers as Record<string, string>, payload: init!.body as string });
    const body = JSON.parse(res.body) as Record<string, unknown>;
    if (res.statusCode === 200) alter(body);
    return new Response(JSON.stringify(body), { status: res.statusCode });
  };

  it('publishes, checks the proof, and the node then serves the manifest', async () => {
    const v = expectOk(await publishManifestToNode({ url: 'http://node.test', manifestText, adminKey: ADMIN_KEY, fetch: nodeFetch() }));
    expect(v.logEntry).toMatchObject({ log_index: 0, tree_size: 1 });
    const served = await node.req('GET', `/v1/federation/manifest/${encodeURIComponent(ENTITY)}`, undefined, false);
    expect(served.body.signature).toBe((JSON.parse(manifestText) as SignedManifestFile).signature);
  });

  it('refuses an answer whose proof or leaf is not this manifest\'s', async () => {
    const badRoot = nodeFetch((b) => void ((b['log_entry'] as Record<string, unknown>)['root_hash'] = 'ab'.repeat(32)));
    expectFailure(await publishManifestToNode({ url: 'http://node.test', manifestText, adminKey: ADMIN_KEY, fetch: badRoot }), 'proof_invalid');
    const otherLeaf = nodeFetch((b) => {
      const e = b['log_entry'] as Record<string, unknown>;
      e['leaf_hash'] = e['root_hash'] = 'cd'.repeat(32);
    });
    expect(expectFailure(await publishManifestToNode({ url: 'http://node.test', manifestText, adminKey: ADMIN_KEY, fetch: otherLeaf }), 'proof_invalid')).toContain('not the hash of this manifest');
  });

  it('reports the node\'s refusal, a bad file and an unreachable node', async () => {
    expect(expectFailure(await publishManifestToNode({ url: 'http://node.test', manifestText, adminKey: 'wrong-key-0123456789', fetch: nodeFetch() }), 'manifest_rejected'))
      .toMatch(/answered 401: .*; check the admin key \(--admin-key-file FILE or STIGMEM_ADMIN_KEY\)$/);
    const tampered = manifestText.replace('"entities": [', '"entities": [\n    "stigmem://org-a.example/extra",');
    expect(expectFailure(await publishManifestToNode({ url: 'http://node.test', manifestText: tampered, adminKey: ADMIN_KEY, fetch: nodeFetch() }), 'manifest_invalid')).toContain('self-signature');
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8765'), { code: 'ECONNREFUSED' }) });
    };
    expect(expectFailure(await publishManifestToNode({ url: 'http://node.test', manifestText, adminKey: ADMIN_KEY, fetch: down }), 'publish_failed'))
      .toBe('cannot reach http://node.test/v1/federation/manifest (ECONNREFUSED): is the node running there?');
    expectFailure(await publishManifestToNode({ url: 'ftp://node.test', manifestText, adminKey: ADMIN_KEY, fetch: down }), 'invalid_argument');
  });
});
