// GET /v1/federation/manifest/{entity} and /.well-known/stigmem-manifest.json: public, current, unexpired, with a proof.
import { afterEach, describe, expect, it } from 'vitest';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { leafHash, verifyInclusion } from '../../../src/main/node/transparency/verifier.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { VECTOR, keyFrom, manifestFields, signed, testClock } from './fixtures.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

async function node(env: Record<string, string> = {}, clock = testClock()) {
  const n = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed, STIGMEM_ENTITY_URI: 'stigmem://org-a.example', ...env }, { clock });
  nodes.push(n);
  return n;
}

const DOCUMENT_KEYS = ['entities', 'entity_uri', 'expires_at', 'issued_at', 'key_id', 'public_key', 'rotation_events', 'signature'];

/** What a peer does with a served manifest: check the self-signature and the log proof. */
interface ServedManifest {
  signature: string;
  log_entry: { leaf_hash: string; log_index: number; tree_size: number; inclusion_proof: string[]; root_hash: string };
  manifest_version?: number;
  [field: string]: unknown;
}

function checkServed(body: ServedManifest): void {
  const { signature, log_entry, manifest_version: _v, ...fields } = body;
  expect(verifyB64(String(fields['public_key']), canonicalJcsBytes(fields), signature)).toBe(true);
  expect(log_entry.leaf_hash).toBe(leafHash(canonicalJcsBytes({ ...fields, signature })).toString('hex'));
  expect(verifyInclusion(log_entry.leaf_hash, log_entry.log_index, log_entry.tree_size, log_entry.inclusion_proof, log_entry.root_hash)).toBe(true);
}

describe('GET /v1/federation/manifest/{entity}', () => {
  it('serves the current manifest to anyone, by its entity or any entity it lists', async () => {
    const n = await node();
    expect((await n.req('PUT', '/v1/federation/manifest', { manifest_version: 1, ...VECTOR.body, signature: '__self_sign__' })).status).toBe(200);
    const orgB = keyFrom(2);
    expect((await n.req('PUT', '/v1/federation/manifest', signed(orgB, manifestFields(orgB)))).status).toBe(200);
    for (const path of [
      'stigmem%3A%2F%2Forg-a.example', 'stigmem://org-a.example', 'stigmem%253A%252F%252Forg-a.example',
      'stigmem%3A%2F%2Forg-a.example%2Fagent%2Fbot', 'stigmem://org-a.example/agent/bot',
    ]) {
      const res = await n.req('GET', `/v1/federation/manifest/${path}`, undefined, false);
      expect(res.status, path).toBe(200);
      expect(Object.keys(res.body)).toEqual([...DOCUMENT_KEYS, 'manifest_version', 'log_entry']);
      expect(res.body.entity_uri).toBe('stigmem://org-a.example');
      expect(res.body.signature).toBe(VECTOR.signature);
      // The proof is against the current tree (two leaves now), not the tree at publication.
      expect(res.body.log_entry).toMatchObject({ log_index: 0, tree_size: 2 });
      checkServed(res.body);
    }
    const b = await n.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-b.example', undefined, false);
    expect(b.status).toBe(200);
    expect(Object.keys(b.body)).toEqual([...DOCUMENT_KEYS, 'log_entry']);
    checkServed(b.body);
  });

  it('never takes another organisation\'s manifest that lists an entity for that entity\'s, and prefers its own', async () => {
    const n = await node();
    const [b, c] = [keyFrom(2), keyFrom(3)];
    await n.req('PUT', '/v1/federation/manifest', signed(c, manifestFields(c, { entity_uri: 'stigmem://org-c.example', entities: ['stigmem://org-b.example', 'stigmem://org-c.example/agent/x'] })));
    // org-c may vouch for its own names, not for org-b's.
    expect((await n.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-b.example', undefined, false)).status).toBe(404);
    expect((await n.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-c.example%2Fagent%2Fx', undefined, false)).body.entity_uri).toBe('stigmem://org-c.example');
    await n.req('PUT', '/v1/federation/manifest', signed(b, manifestFields(b)));
    expect((await n.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-b.example', undefined, false)).body.entity_uri).toBe('stigmem://org-b.example');
  });

  it('answers 404 for unknown and expired manifests', async () => {
    const clock = testClock();
    const n = await node({}, clock);
    const missing = await n.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Fnobody', undefined, false);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('manifest not found or expired');
    expect((await n.req('GET', '/v1/federation/manifest/')).status).toBe(404);
    expect((await n.req('GET', `/v1/federation/manifest/${'%zz'.repeat(500)}`, undefined, false)).status).toBe(400);
    expect((await n.req('GET', '/v1/federation/manifest/%25C3%2528%25', undefined, false)).status).toBe(404);
    expect((await n.req('GET', `/v1/federation/manifest/${'a'.repeat(9000)}`, undefined, false)).status).toBeLessThan(500);
    await n.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: '__self_sign__' });
    clock.set(Date.parse('2026-12-31T00:00:00Z'));
    expect((await n.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-a.example', undefined, false)).status).toBe(404);
    expect((await n.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-a.example%2Fagent%2Fbot', undefined, false)).status).toBe(404);
  });
});

describe('/.well-known/stigmem-manifest.json', () => {
  it('is 404 until this node publishes, then serves its own manifest', async () => {
    const n = await node();
    const before = await n.req('GET', '/.well-known/stigmem-manifest.json', undefined, false);
    expect(before.status).toBe(404);
    expect(before.body.detail).toMatch(/has not published/);
    const orgB = keyFrom(2);
    await n.req('PUT', '/v1/federation/manifest', signed(orgB, manifestFields(orgB)));
    expect((await n.req('GET', '/.well-known/stigmem-manifest.json', undefined, false)).status).toBe(404);
    await n.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: '__self_sign__' });
    const res = await n.req('GET', '/.well-known/stigmem-manifest.json', undefined, false);
    expect(res.status).toBe(200);
    expect(res.body.public_key).toBe(VECTOR.publicKey);
    checkServed(res.body);
  });

  it('finds a manifest signed by the org key under another entity_uri', async () => {
    const n = await node({ STIGMEM_ENTITY_URI: 'stigmem://elsewhere.example' });
    await n.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: '__self_sign__' });
    const res = await n.req('GET', '/.well-known/stigmem-manifest.json', undefined, false);
    expect(res.status).toBe(200);
    expect(res.body.entity_uri).toBe('stigmem://org-a.example');
  });
});
