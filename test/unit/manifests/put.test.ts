// PUT /v1/federation/manifest: the §3.4 vector, __self_sign__, external signatures, every refusal, the rate limit.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJcs } from '../../../src/main/node/json/canonical.js';
import { verifyInclusion } from '../../../src/main/node/transparency/verifier.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { JUNE_2026, VECTOR, keyFrom, manifestFields, padded, signed, standardBase64, testClock } from './fixtures.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

async function vectorNode(env: Record<string, string> = {}, clock = testClock()) {
  const node = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed, ...env }, { clock });
  nodes.push(node);
  return node;
}

const put = (node: TestNode, body: unknown, auth?: string | false) => node.req('PUT', '/v1/federation/manifest', body, auth);

describe('the §3.4 vector through __self_sign__', () => {
  it('signs exactly the reference bytes and logs the published document', async () => {
    const node = await vectorNode();
    const res = await put(node, { manifest_version: 1, ...VECTOR.body, signature: '__self_sign__' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['entity_uri', 'key_id', 'issued_at', 'expires_at', 'signature', 'manifest_version', 'log_entry']);
    expect(res.body).toMatchObject({
      entity_uri: 'stigmem://org-a.example', key_id: VECTOR.keyId16, issued_at: '2026-01-01T00:00:00Z', expires_at: '2026-12-31T00:00:00Z',
      signature: VECTOR.signature, manifest_version: 1,
    });
    const entry = res.body.log_entry;
    expect(Object.keys(entry)).toEqual(['log_id', 'log_index', 'leaf_hash', 'integrated_time', 'tree_size', 'root_hash', 'inclusion_proof']);
    expect(entry).toMatchObject({ log_id: '56475aa75463474c', log_index: 0, tree_size: 1, integrated_time: JUNE_2026 / 1000, inclusion_proof: [] });
    // The leaf is the eight-field signed document (manifest_version is not part of it).
    const document = canonicalJcs({ ...VECTOR.body, signature: VECTOR.signature });
    const leaf = createHash('sha256').update(Buffer.from([0])).update(document).digest('hex');
    expect(entry.leaf_hash).toBe(leaf);
    expect(entry.root_hash).toBe(leaf);
    expect(verifyInclusion(entry.leaf_hash, 0, 1, entry.inclusion_proof, entry.root_hash)).toBe(true);
    const again = await node.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-a.example', undefined, false);
    expect(again.body.signature).toBe(VECTOR.signature);
  });

  it('writes our key unpadded whatever spelling the caller used', async () => {
    const node = await vectorNode();
    for (const spelling of [padded(VECTOR.publicKey), standardBase64(VECTOR.publicKey)]) {
      const res = await put(node, { ...VECTOR.body, public_key: spelling, signature: '__self_sign__' });
      expect(res.status).toBe(200);
      expect(res.body.signature).toBe(VECTOR.signature);
    }
  });

  it('refuses to self-sign for a key the node does not hold', async () => {
    const node = await vectorNode();
    const res = await put(node, { ...VECTOR.body, public_key: keyFrom(3).publicKey, signature: '__self_sign__' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe('cannot self-sign: this node does not hold the private key for public_key');
  });
});

describe('externally signed manifests', () => {
  const orgB = keyFrom(2);

  it('verify and are stored as signed, padded key spellings included', async () => {
    const node = await vectorNode();
    const body = signed(orgB, manifestFields(orgB));
    const res = await put(node, body);
    expect(res.status).toBe(200);
    expect(res.body.signature).toBe(body['signature']);
    expect(res.body).not.toHaveProperty('manifest_version');
    const paddedFields = manifestFields(orgB, { entity_uri: 'stigmem://org-p.example', public_key: padded(orgB.publicKey) });
    const paddedRes = await put(node, signed(orgB, paddedFields));
    expect(paddedRes.status).toBe(200);
    const served = await node.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-p.example', undefined, false);
    expect(served.body.public_key).toBe(padded(orgB.publicKey));
  });

  it('refuse a forged or missing signature', async () => {
    const node = await vectorNode();
    const body = signed(orgB, manifestFields(orgB));
    const forgedSig = String(body['signature']).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const cases: [unknown, string][] = [
      [{ ...body, signature: forgedSig }, 'self-signature verification failed'],
      [{ ...body, entities: ['stigmem://org-b.example', 'stigmem://evil.example'] }, 'self-signature verification failed'],
      [{ ...body, expires_at: '2027-04-30T00:00:00Z' }, 'self-signature verification failed'],
      [{ ...body, signature: keyFrom(3).signB64(Buffer.from('x')) }, 'self-signature verification failed'],
      [{ ...body, signature: undefined }, 'self-signature verification failed'],
      [{ ...body, signature: 'not base64 !' }, 'self-signature verification failed'],
      [{ ...body, public_key: 'c2hvcnQ' }, 'self-signature error: public_key is not a base64url 32-byte Ed25519 public key'],
    ];
    for (const [b, detail] of cases) {
      const res = await put(node, b);
      expect(res.status, detail).toBe(422);
      expect(res.body.detail).toBe(detail);
    }
  });

  it('sign manifest_version nowhere', async () => {
    const node = await vectorNode();
    const res = await put(node, signed(orgB, manifestFields(orgB), { manifest_version: 1 }));
    expect(res.status).toBe(200);
    expect(res.body.manifest_version).toBe(1);
  });
});

describe('who may publish', () => {
  it('needs an admin key', async () => {
    const node = await vectorNode();
    expect((await put(node, VECTOR.body, false)).status).toBe(401);
    const minted = await node.req('POST', '/v1/auth/keys', { raw_key: 'writer-key-0123456789abcdef0123456789', entity_uri: 'stigmem://writer', permissions: ['read', 'write', 'federate'] });
    expect(minted.status).toBe(201);
    const res = await put(node, { ...VECTOR.body, signature: '__self_sign__' }, 'writer-key-0123456789abcdef0123456789');
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('admin permission required');
  });
});

describe('the validity window', () => {
  it('refuses each window violation with its reference detail', async () => {
    const node = await vectorNode({ STIGMEM_TRUST_MODE: 'strict' });
    const attempt = async (over: Record<string, unknown>) => put(node, { ...VECTOR.body, signature: '__self_sign__', ...over, entity_uri: `stigmem://w${Math.random()}` });
    const cases: [Record<string, unknown>, string][] = [
      [{ expires_at: '2026-01-01T00:00:00Z' }, 'expires_at must be after issued_at'],
      [{ issued_at: '2026-05-01T00:00:00Z', expires_at: '2028-05-01T00:00:01Z' }, 'expires_at exceeds maximum of 730 days from issued_at'],
      [{ issued_at: '2026-05-01T00:00:00Z', expires_at: '2027-05-03T00:00:00Z' }, 'expires_at exceeds 366-day limit enforced by trust_mode=strict'],
      [{ issued_at: '2025-06-01T00:00:00Z', expires_at: '2026-05-31T23:59:59Z' }, 'manifest has already expired (expires_at is not in the future)'],
      [{ issued_at: '2026-01-01T00:00:00' }, 'invalid manifest: issued_at must carry a timezone (Z or ±HH:MM)'],
      [{ expires_at: 'NaN' }, 'invalid manifest: expires_at is not an ISO 8601 timestamp'],
      [{ expires_at: '2026-02-30T00:00:00Z' }, 'invalid manifest: expires_at is not an ISO 8601 timestamp'],
      [{ issued_at: 'Infinity' }, 'invalid manifest: issued_at is not an ISO 8601 timestamp'],
    ];
    for (const [over, detail] of cases) {
      const res = await attempt(over);
      expect(res.status, detail).toBe(422);
      expect(res.body.detail).toBe(detail);
    }
    // A year across a leap day (366 days) is fine in strict mode.
    expect((await attempt({ issued_at: '2027-06-01T00:00:00Z', expires_at: '2028-06-01T00:00:00Z' })).status).toBe(200);
    const leap = await put(node, { ...VECTOR.body, signature: '__self_sign__', issued_at: '2026-05-31T00:00:00Z', expires_at: '2027-06-01T00:00:00Z' });
    expect(leap.status).toBe(200);
  });
});

describe('the rate limit', () => {
  it('allows 10 PUTs per entity_uri per hour, failed ones included, then 429 with Retry-After', async () => {
    const clock = testClock();
    const node = await vectorNode({}, clock);
    for (let i = 0; i < 10; i++) {
      const ok = i % 2 === 0;
      const res = await put(node, { ...VECTOR.body, signature: ok ? '__self_sign__' : 'bad' });
      expect(res.status).toBe(ok ? 200 : 422);
      clock.advance(60_000);
    }
    const limited = await put(node, { ...VECTOR.body, signature: '__self_sign__' });
    expect(limited.status).toBe(429);
    expect(limited.body.detail).toBe('manifest PUT rate limit: max 10 per hour per entity_uri');
    expect(limited.headers['retry-after']).toBe(String(3600 - 600));
    const other = await put(node, { ...VECTOR.body, entity_uri: 'stigmem://org-z.example', signature: '__self_sign__' });
    expect(other.status).toBe(200);
    clock.advance(3000 * 1000);
    expect((await put(node, { ...VECTOR.body, signature: '__self_sign__' })).status).toBe(200);
  });

  it('checks entity_uri before counting, as the reference does', async () => {
    const node = await vectorNode();
    const res = await put(node, { ...VECTOR.body, entity_uri: '' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe('entity_uri is required');
  });
});

describe('hostile bodies get a 4xx, never a 500', () => {
  it('wrong types, oversize values, 101 events, odd JSON', async () => {
    const node = await vectorNode();
    let n = 0;
    const fresh = () => `stigmem://hostile-${n++}`;
    const base = () => ({ ...VECTOR.body, signature: '__self_sign__', entity_uri: fresh() });
    const bodies: unknown[] = [
      [], 'text', 42, null, true, [VECTOR.body],
      { ...base(), entities: 'stigmem://x' }, { ...base(), entities: [1, 2] }, { ...base(), entities: [[]] },
      { ...base(), rotation_events: 'none' }, { ...base(), rotation_events: [null] }, { ...base(), rotation_events: [[1]] },
      { ...base(), rotation_events: new Array(101).fill({}) },
      { ...base(), key_id: 12 }, { ...base(), key_id: { $gt: '' } }, { ...base(), public_key: [] }, { ...base(), issued_at: 1767225600 },
      { ...base(), expires_at: null }, { ...base(), signature: { sig: 1 } }, { ...base(), manifest_version: 'one' },
      { ...base(), issued_at: '9'.repeat(60) }, { ...base(), expires_at: '0000-00-00T00:00:00Z' },
      { ...base(), entity_uri: 'x'.repeat(900_000) }, { ...base(), key_id: 'k'.repeat(900_000) },
      { ...base(), entities: new Array(50_000).fill('stigmem://e') },
    ];
    for (const body of bodies) {
      const res = await put(node, body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBeLessThan(500);
      expect(typeof res.body.detail === 'string' || Array.isArray(res.body.detail)).toBe(true);
    }
    const raw = async (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      node.app.inject({ method: 'PUT', url: '/v1/federation/manifest', payload, headers: { authorization: 'Bearer test-admin-key-0123456789abcdef', ...headers } });
    for (const payload of ['', '{', '{"entity_uri": NaN}', '{"a":1,}', '['.repeat(5000) + ']'.repeat(5000), `{"entity_uri":"${'x'.repeat(2_000_000)}"}`]) {
      const res = await raw(payload);
      expect(res.statusCode, payload.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, payload.slice(0, 40)).toBeLessThan(500);
    }
    expect((await raw('{}', { 'content-type': 'text/plain' })).statusCode).toBe(415);
    // Keys that mean something to JavaScript objects are just unknown keys.
    const sneaky = JSON.stringify(base()).replace(/^\{/, '{"__proto__":{"isAdmin":true},"constructor":{"prototype":1},');
    expect((await raw(sneaky)).statusCode).toBe(200);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });

  it('takes 100 rotation events; like the reference, their chain is checked only against a stored manifest', async () => {
    const node = await vectorNode();
    const events = Array.from({ length: 100 }, (_, i) => ({ previous_key_id: `k${i}`, new_key_id: `k${i + 1}`, new_public_key: 'z', rotated_at: 'w', signature: 'v' }));
    const res = await put(node, { ...VECTOR.body, rotation_events: events, signature: '__self_sign__' });
    expect(res.status).toBe(200);
  });

  it('counts rotation events before reading any field (reference order)', async () => {
    const node = await vectorNode();
    const res = await put(node, { entity_uri: 'stigmem://order', rotation_events: new Array(101).fill(0) });
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe('rotation_events must not exceed 100 entries');
    const missing = await put(node, { entity_uri: 'stigmem://order' });
    expect(missing.body.detail).toBe("invalid manifest: 'key_id'");
  });
});
