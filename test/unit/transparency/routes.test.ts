// The public transparency routes: a checkpoint that verifies, inclusion and consistency proofs, clean 4xx on bad queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { verifyCheckpoint } from '../../../src/main/node/transparency/checkpoint.js';
import { appendLogEntry } from '../../../src/main/node/transparency/store.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../src/main/node/transparency/verifier.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { VECTOR, testClock } from '../manifests/fixtures.js';

let node: TestNode;
const get = (url: string) => node.req('GET', url, undefined, false);

beforeAll(async () => {
  node = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed }, { clock: testClock() });
});
afterAll(async () => node.close());

describe('transparency routes', () => {
  it('sign a checkpoint of the empty log', async () => {
    const res = await get('/v1/federation/transparency/checkpoint');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['log_id', 'tree_size', 'root_hash', 'timestamp', 'signer_public_key', 'key_id', 'signature']);
    expect(res.body).toMatchObject({
      log_id: VECTOR.keyId16, tree_size: 0, root_hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      timestamp: '2026-06-01T00:00:00.000000+00:00', signer_public_key: VECTOR.publicKey,
    });
    expect(verifyCheckpoint(res.body, VECTOR.publicKey)).toBe(true);
  });

  it('prove inclusion of every kind of leaf against a signed checkpoint', async () => {
    expect((await node.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: '__self_sign__' })).status).toBe(200);
    const revocation = { reason: 'compromised', revoked_at: '2026-06-01T00:00:00+00:00', revoked_by: 'stigmem://org-a.example', token_id: 't-1' };
    appendLogEntry(node.deps.db, 'token_revocation', revocation, node.deps.clock.nowMs());
    for (let i = 0; i < 5; i++) appendLogEntry(node.deps.db, 'key_rotation', { event_type: 'key_rotation', n: i }, node.deps.clock.nowMs());
    const cp = (await get('/v1/federation/transparency/checkpoint')).body;
    expect(cp.tree_size).toBe(7);
    expect(verifyCheckpoint(cp, VECTOR.publicKey)).toBe(true);
    for (let i = 0; i < 7; i++) {
      const p = await get(`/v1/federation/transparency/proof?log_index=${i}`);
      expect(p.status).toBe(200);
      expect(p.body.root_hash).toBe(cp.root_hash);
      expect(p.body.leaf_hash).toBe(leafHash(canonicalJcsBytes(p.body.entry)).toString('hex'));
      expect(verifyInclusion(p.body.leaf_hash, i, cp.tree_size, p.body.inclusion_proof, cp.root_hash)).toBe(true);
    }
    const manifestLeaf = (await get('/v1/federation/transparency/proof?log_index=0')).body;
    expect(manifestLeaf.kind).toBe('manifest');
    expect(manifestLeaf.entry.signature).toBe(VECTOR.signature);
    const revocationLeaf = (await get('/v1/federation/transparency/proof?log_index=1')).body;
    expect(revocationLeaf).toMatchObject({ kind: 'token_revocation', entry: revocation });
  });

  it('prove inclusion in an earlier tree and consistency between trees', async () => {
    const old = await get('/v1/federation/transparency/proof?log_index=1&tree_size=3');
    expect(old.status).toBe(200);
    expect(old.body.tree_size).toBe(3);
    expect(verifyInclusion(old.body.leaf_hash, 1, 3, old.body.inclusion_proof, old.body.root_hash)).toBe(true);
    const c = await get('/v1/federation/transparency/consistency?first=3&second=7');
    expect(c.status).toBe(200);
    expect(c.body.first_root_hash).toBe(old.body.root_hash);
    expect(verifyConsistency(3, 7, c.body.first_root_hash, c.body.second_root_hash, c.body.consistency_proof)).toBe(true);
    const toNow = await get('/v1/federation/transparency/consistency?first=1');
    expect(toNow.body.second).toBe(7);
    expect(verifyConsistency(1, 7, toNow.body.first_root_hash, toNow.body.second_root_hash, toNow.body.consistency_proof)).toBe(true);
  });

  it('refuse out-of-range and malformed queries with a 4xx', async () => {
    const cases: [string, number][] = [
      ['proof?log_index=7', 404], ['proof?log_index=2&tree_size=2', 422], ['proof?log_index=0&tree_size=8', 422],
      ['proof', 422], ['proof?log_index=-1', 422], ['proof?log_index=abc', 422], ['proof?log_index=1e400', 422], ['proof?log_index=1.5', 422],
      ['proof?log_index=99999999999999999999', 422], ['proof?log_index=0&log_index=1', 422],
      ['consistency?first=0', 422], ['consistency?first=8', 422], ['consistency?first=3&second=2', 422], ['consistency?first=1&second=9', 422],
      ['consistency', 422], ['consistency?first=NaN', 422],
    ];
    for (const [query, status] of cases) {
      const res = await get(`/v1/federation/transparency/${query}`);
      expect(res.status, query).toBe(status);
      expect(res.body.detail, query).toBeDefined();
    }
  });
});
