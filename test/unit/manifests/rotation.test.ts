// Replacing a stored manifest: same key re-publishes; a new key needs an unbroken rotation chain, else 409.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { keyFrom, manifestFields, padded, rotate, rotationEvent, signed, testClock } from './fixtures.js';

const [A, B, C, D] = [keyFrom(11), keyFrom(12), keyFrom(13), keyFrom(14)];
let node: TestNode;

beforeEach(async () => {
  node = await makeTestNode({}, { clock: testClock() });
  const first = await put(signed(A, manifestFields(A)));
  expect(first.status).toBe(200);
});
afterEach(async () => node.close());

const put = (body: unknown) => node.req('PUT', '/v1/federation/manifest', body);
const current = async () => (await node.req('GET', '/v1/federation/manifest/stigmem%3A%2F%2Forg-b.example', undefined, false)).body;
const treeSize = async () => (await node.req('GET', '/v1/federation/transparency/checkpoint', undefined, false)).body.tree_size as number;

async function expectRejected(body: unknown, reason: string): Promise<void> {
  const before = await treeSize();
  const res = await put(body);
  expect(res.status, reason).toBe(409);
  expect(res.body.detail).toBe(`manifest update rejected: ${reason}`);
  // A refused update leaves no trace in the log and does not change the current manifest.
  expect(await treeSize()).toBe(before);
  expect((await current()).key_id).toBe(A.keyId);
}

const r = (s: string) => `'${s}'`;

describe('re-publishing the same key', () => {
  it('replaces the current manifest and keeps the history', async () => {
    const res = await put(signed(A, manifestFields(A, { entities: ['stigmem://org-b.example', 'stigmem://org-b.example/agent/new'] })));
    expect(res.status).toBe(200);
    expect(res.body.log_entry.log_index).toBe(1);
    expect((await current()).entities).toContain('stigmem://org-b.example/agent/new');
    expect(node.deps.db.get<{ n: number }>({ text: 'SELECT COUNT(*) AS n FROM federation_manifests', params: [] })?.n).toBe(2);
  });

  it('accepts another spelling of the same key', async () => {
    const res = await put(signed(A, manifestFields(A, { public_key: padded(A.publicKey) })));
    expect(res.status).toBe(200);
  });

  it('refuses a different key under the unchanged key_id', async () => {
    await expectRejected(signed(B, manifestFields(B, { key_id: A.keyId })), `key_id ${r(A.keyId)} is unchanged but public_key differs from the stored manifest`);
  });
});

describe('rotating to a new key', () => {
  it('accepts a chain signed by each previous key, across several steps', async () => {
    const res = await put(signed(B, manifestFields(B, { rotation_events: [rotate(A, B)] })));
    expect(res.status).toBe(200);
    expect((await current()).key_id).toBe(B.keyId);
    const withPrevKey = rotationEvent(B, { previous_key_id: B.keyId, new_key_id: C.keyId, new_public_key: C.publicKey, rotated_at: '2026-05-02T00:00:00Z', previous_public_key: B.publicKey });
    const two = await put(signed(C, manifestFields(C, { rotation_events: [rotate(A, B), withPrevKey] })));
    expect(two.status).toBe(200);
    expect((await current()).rotation_events[1].previous_public_key).toBe(B.publicKey);
    // From C, a manifest carrying the full history plus C→D connects at its C event.
    const three = await put(signed(D, manifestFields(D, { rotation_events: [rotate(A, B), withPrevKey, rotate(C, D)] })));
    expect(three.status).toBe(200);
  });

  it('refuses a key change without events', async () => {
    await expectRejected(signed(B, manifestFields(B)), `no rotation events but manifest.key_id ${r(B.keyId)} differs from previous_key_id ${r(A.keyId)}`);
  });

  it('refuses a chain that does not start at the stored key', async () => {
    await expectRejected(signed(C, manifestFields(C, { rotation_events: [rotate(B, C)] })),
      `rotation chain does not connect previous_key_id ${r(A.keyId)} to manifest.key_id ${r(C.keyId)}`);
  });

  it('refuses a gap', async () => {
    await expectRejected(signed(D, manifestFields(D, { rotation_events: [rotate(A, B), rotate(C, D)] })),
      `rotation event 1: expected previous_key_id=${r(B.keyId)}, got ${r(C.keyId)} (chain gap)`);
  });

  it('refuses a regression to an earlier key', async () => {
    const events = [rotate(A, B), rotate(B, C), rotate(C, B)];
    await expectRejected(signed(B, manifestFields(B, { rotation_events: events })),
      `rotation event 2: key_id ${r(B.keyId)} already appears in the chain (regression or cycle attack)`);
    await expectRejected(signed(A, manifestFields(A, { key_id: 'other-id', rotation_events: [rotate(A, B), rotate(B, A)] })),
      `rotation event 1: key_id ${r(A.keyId)} already appears in the chain (regression or cycle attack)`);
  });

  it('refuses an event not signed by the previous key', async () => {
    const forged = rotationEvent(C, { previous_key_id: A.keyId, new_key_id: B.keyId, new_public_key: B.publicKey, rotated_at: '2026-05-01T00:00:00Z' });
    await expectRejected(signed(B, manifestFields(B, { rotation_events: [forged] })), `rotation event 0: signature invalid (signed with key ${r(A.keyId)})`);
    const tampered = { ...rotate(A, B), rotated_at: '2026-05-09T00:00:00Z' };
    await expectRejected(signed(B, manifestFields(B, { rotation_events: [tampered] })), `rotation event 0: signature invalid (signed with key ${r(A.keyId)})`);
  });

  it('refuses a chain that ends somewhere else', async () => {
    await expectRejected(signed(C, manifestFields(C, { rotation_events: [rotate(A, B)] })),
      `rotation chain terminates at ${r(B.keyId)} but manifest.key_id is ${r(C.keyId)}`);
    await expectRejected(signed(C, manifestFields(C, { key_id: B.keyId, rotation_events: [rotate(A, B)] })),
      'rotation chain terminal public_key does not match manifest.public_key');
  });

  it('verifies events with a malformed next key as a refusal, not a crash', async () => {
    const broken = rotationEvent(A, { previous_key_id: A.keyId, new_key_id: 'mid', new_public_key: 'short', rotated_at: 'x' });
    const next = { previous_key_id: 'mid', new_key_id: B.keyId, new_public_key: B.publicKey, rotated_at: 'y', signature: 'AAAA' };
    await expectRejected(signed(B, manifestFields(B, { rotation_events: [broken, next] })),
      'rotation event 1: verification error: the signing public key is not a 32-byte Ed25519 key');
  });
});
