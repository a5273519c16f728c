// Interop with reference nodes on the wire: a PyJWT-format token made by Python, the declaration + approve flow,
// the reference's number round trip, and never serving a reference puller a fact that would stall it.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCid } from '../../../src/main/node/facts/cid.js';
import { RawJson } from '../../../src/main/node/json/pyjson.js';
import { generateSeed, approvalFingerprint } from '../../../src/main/node/crypto/ed25519.js';
import { toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { startFakePeer, type FakePeer } from '../../helpers/fakePeer.js';
import { call, waitFor } from '../../helpers/http.js';
import { spawnNode, type NodeProcess } from '../../helpers/process.js';

const KEY = 'interop-admin-key-0123456789abcdef';
const hasPythonCrypto = (() => {
  try {
    execFileSync('python3', ['-c', 'import cryptography']);
    return true;
  } catch {
    return false;
  }
})();

/** A peer token exactly as PyJWT writes it (sorted compact header, compact payload), signed by Python's cryptography. */
function pythonPeerToken(seedB64: string, iss: string, sub: string): string {
  return execFileSync('python3', ['-c', `
import base64, json, time, uuid, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
seed = base64.urlsafe_b64decode(sys.argv[1] + '=' * (-len(sys.argv[1]) % 4))
key = Ed25519PrivateKey.from_private_bytes(seed)
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b'=').decode()
now = int(time.time() * 1000)
header = json.dumps({"alg": "EdDSA", "typ": "JWT"}, separators=(",", ":"), sort_keys=True).encode()
payload = json.dumps({"iss": sys.argv[2], "sub": sys.argv[3], "iat": now, "exp": now + 3600000, "nonce": str(uuid.uuid4()), "scopes": ["public"]}, separators=(",", ":")).encode()
signing_input = b64(header) + "." + b64(payload)
print(signing_input + "." + b64(key.sign(signing_input.encode())))
`, seedB64, iss, sub]).toString().trim();
}

describe('reference interop on the wire', () => {
  let ours: NodeProcess;
  let ourWk: { node_id: string };
  beforeAll(async () => {
    ours = await spawnNode({ STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '1', STIGMEM_ADMIN_KEY: KEY });
    ourWk = (await call(`${ours.url}/.well-known/stigmem`)).body;
  });
  afterAll(async () => ours?.cleanup());

  it('registers a reference-style declaration as pending_approval and activates it by fingerprint', async () => {
    const peer = await startFakePeer({ signDeclaration: true });
    try {
      const wk = (await call(`${peer.url}/.well-known/stigmem`)).body;
      const body = { ...wk.declaration, declaration_sig: wk.declaration_sig };
      const reg = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body });
      expect(reg.status).toBe(201);
      expect(reg.body).toMatchObject({ status: 'pending_approval', node_id: peer.nodeId, verified_at: null });
      const wrong = await call(`${ours.url}/v1/federation/peers/${reg.body.peer_id}/approve`, { key: KEY, body: { pubkey_fingerprint: 'sha256:' + '0'.repeat(64) } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.detail).toBe('fingerprint mismatch');
      const ok = await call(`${ours.url}/v1/federation/peers/${reg.body.peer_id}/approve`, { key: KEY, body: { pubkey_fingerprint: approvalFingerprint(peer.signer.publicKey) } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ peer_id: reg.body.peer_id, node_id: peer.nodeId, status: 'active' });
      expect((await call(`${ours.url}/v1/federation/peers/${reg.body.peer_id}/approve`, { key: KEY, body: { pubkey_fingerprint: approvalFingerprint(peer.signer.publicKey) } })).status).toBe(409);
      const audit = await call(`${ours.url}/v1/federation/audit?peer_id=${reg.body.peer_id}`, { key: KEY });
      expect(audit.body.entries.map((e: { event_type: string }) => e.event_type)).toEqual(expect.arrayContaining(['peer_approved', 'peer_approval_failed']));
      // A forged declaration is rejected outright.
      const forged = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body: { ...body, node_id: 'stigmem:node:other', node_url: 'http://127.0.0.1:1' } });
      expect(forged.body.status).toBe('rejected');
    } finally {
      await peer.close();
    }
  });

  it.skipIf(!hasPythonCrypto)('accepts a peer token minted the PyJWT way by Python, once', async () => {
    const seed = generateSeed();
    const signer = signerFromSeed(seed, 't');
    const peer = await startFakePeer();
    try {
      // Register a peer whose key is the Python signer's: the fake peer serves that key.
      peer.signer = signer;
      const reg = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body: { peer_url: peer.url, trusted_public_key: signer.publicKey } });
      expect(reg.body.status).toBe('active');
      const token = pythonPeerToken(toBase64Url(seed), peer.nodeId, ourWk.node_id);
      const first = await call(`${ours.url}/v1/federation/facts`, { headers: { authorization: `Bearer ${token}` } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ facts: [], has_more: false });
      expect((await call(`${ours.url}/v1/federation/facts`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    } finally {
      await peer.close();
    }
  });

  it("tolerates the reference's number round trip (42 served as 42.0 with a CID over \"42\")", async () => {
    const peer: FakePeer = await startFakePeer({ entityUri: 'stigmem://org-r.example' });
    try {
      const cid = computeCid({ entity: 'stigmem://org-r.example/e/n', relation: 'memory:count', valueType: 'number', valueV: '42', source: 'stigmem://org-r.example/agent/a', scope: 'public', confidence: 1 });
      peer.facts.push({
        id: '00000000-0000-4000-8000-0000000000aa', entity: 'stigmem://org-r.example/e/n', relation: 'memory:count', value: { type: 'number', v: new RawJson('42.0'), interpret_as: 'content' },
        source: 'stigmem://org-r.example/agent/a', timestamp: '2026-11-23T10:00:00+00:00', hlc: `${Date.now() - 500}.3`, confidence: 1, scope: 'public', cid,
      });
      const reg = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body: { peer_url: peer.url, trusted_public_key: peer.signer.publicKey } });
      await waitFor('the number fact', async () => ((await call(`${ours.url}/v1/federation/peers/${reg.body.id}`, { key: KEY })).body.facts_received === 1 ? true : undefined));
      const got = await call(`${ours.url}/v1/facts/${cid}`, { key: KEY });
      expect(got.status).toBe(200);
      expect(got.body.cid).toBe(cid);
      expect(got.body.value.v).toBe(42);
    } finally {
      await peer.close();
    }
  });
});
