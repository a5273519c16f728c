// Interop with the reference's own tools: Python's json + cryptography verify what we sign and log, and we accept
// what they sign. Skipped, with the reason printed, where python3 or its cryptography module is missing.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { VECTOR, keyFrom, rotate, testClock } from '../../unit/manifests/fixtures.js';

const probe = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
const hasPython = probe.status === 0;
if (!hasPython) console.log(`skipping Python interop: python3 with the cryptography module is not available (${(probe.stderr || String(probe.error ?? '')).trim().split('\n').pop()})`);

// The reference's canonical form (canonicaljson = stdlib json, sorted, compact, ensure_ascii=False) and RFC 9162 checks.
const VERIFY_PY = String.raw`
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

def unb64(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
def canon(o): return json.dumps(o, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
def node(l, r): return hashlib.sha256(b'\x01' + l + r).digest()

def root_from_proof(leaf, index, size, proof):
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        assert sn != 0, 'proof too long'
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1; sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    assert sn == 0, 'proof too short'
    return r

data = json.load(sys.stdin)
m = data['manifest']
events = []
for e in m['rotation_events']:
    ev = {k: e[k] for k in ('new_key_id', 'new_public_key', 'previous_key_id', 'rotated_at', 'signature')}
    if e.get('previous_public_key'):
        ev['previous_public_key'] = e['previous_public_key']
    events.append(ev)
body = {k: m[k] for k in ('entities', 'entity_uri', 'expires_at', 'issued_at', 'key_id', 'public_key')}
body['rotation_events'] = events
Ed25519PublicKey.from_public_bytes(unb64(m['public_key'])).verify(unb64(m['signature']), canon(body))

document = dict(body, signature=m['signature'])
leaf = hashlib.sha256(b'\x00' + canon(document)).digest()
le = m['log_entry']
assert leaf.hex() == le['leaf_hash'], 'leaf hash differs'
proof = [bytes.fromhex(h) for h in le['inclusion_proof']]
assert root_from_proof(leaf, le['log_index'], le['tree_size'], proof).hex() == le['root_hash'], 'inclusion proof fails'

cp = data['checkpoint']
cp_body = {k: v for k, v in cp.items() if k != 'signature'}
Ed25519PublicKey.from_public_bytes(unb64(cp['signer_public_key'])).verify(unb64(cp['signature']), canon(cp_body))
assert cp['root_hash'] == le['root_hash'] and cp['tree_size'] == le['tree_size']
print('ok')
`;

// A reference-style client signing a manifest with non-ASCII entities, as canonicaljson would.
const SIGN_PY = String.raw`
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

def b64(b): return base64.urlsafe_b64encode(b).decode().rstrip('=')
key = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
pub = b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
body = {
    'entities': ['stigmem://org-py.example', 'stigmem://org-py.example/agent/\u00e9mile', 'stigmem://org-py.example/\U0001f916', 'tab\there "quoted" \\ /'],
    'entity_uri': 'stigmem://org-py.example',
    'expires_at': '2027-01-01T00:00:00+00:00',
    'issued_at': '2026-05-01T00:00:00.123456+00:00',
    'key_id': 'py-key-1',
    'public_key': pub,
    'rotation_events': [],
}
sig = key.sign(json.dumps(body, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8'))
print(json.dumps(dict(body, signature=b64(sig), manifest_version=1)))
`;

function python(script: string, input = ''): string {
  const r = spawnSync('python3', ['-c', script], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe.skipIf(!hasPython)('Python interop (json + cryptography, as the reference computes)', () => {
  let node: TestNode;
  const get = async (url: string) => (await node.req('GET', url, undefined, false)).body as Record<string, unknown>;

  beforeAll(async () => {
    node = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed }, { clock: testClock() });
  });
  afterAll(async () => node.close());

  it('verifies our self-signed manifest, its log leaf and proof, and our checkpoint', async () => {
    const body = {
      ...VECTOR.body,
      entities: ['stigmem://org-a.example', 'stigmem://org-a.example/agent/bot', 'stigmem://org-a.example/agent/\u00e9mile', 'stigmem://org-a.example/\u{1F916}', 'ctl\u0001\u2028'],
      signature: '__self_sign__',
    };
    expect((await node.req('PUT', '/v1/federation/manifest', body)).status).toBe(200);
    const manifest = await get('/v1/federation/manifest/stigmem%3A%2F%2Forg-a.example');
    const checkpoint = await get('/v1/federation/transparency/checkpoint');
    expect(python(VERIFY_PY, JSON.stringify({ manifest, checkpoint }))).toBe('ok');
    // The check can fail: one changed entity breaks it.
    const tampered = { ...manifest, entities: ['stigmem://org-a.example'] };
    expect(() => python(VERIFY_PY, JSON.stringify({ manifest: tampered, checkpoint }))).toThrow(/InvalidSignature/);
  });

  it('verifies a rotated manifest whose events carry previous_public_key', async () => {
    const [a, b] = [keyFrom(21), keyFrom(22)];
    const fields = (k: typeof a, events: Record<string, string>[]) => ({
      entities: ['stigmem://org-r.example'], entity_uri: 'stigmem://org-r.example', expires_at: '2027-01-01T00:00:00Z',
      issued_at: '2026-05-01T00:00:00Z', key_id: k.keyId, public_key: k.publicKey, rotation_events: events,
    });
    const first = fields(a, []);
    expect((await node.req('PUT', '/v1/federation/manifest', { ...first, signature: a.signB64(canonicalJcsBytes(first)) })).status).toBe(200);
    const event = { ...rotate(a, b), previous_public_key: a.publicKey };
    const second = fields(b, [event]);
    expect((await node.req('PUT', '/v1/federation/manifest', { ...second, signature: b.signB64(canonicalJcsBytes(second)) })).status).toBe(200);
    const manifest = await get('/v1/federation/manifest/stigmem%3A%2F%2Forg-r.example');
    const checkpoint = await get('/v1/federation/transparency/checkpoint');
    expect(python(VERIFY_PY, JSON.stringify({ manifest, checkpoint }))).toBe('ok');
  });

  it('accepts a manifest signed by a Python client, byte for byte', async () => {
    const signedByPython = JSON.parse(python(SIGN_PY)) as Record<string, unknown>;
    const res = await node.req('PUT', '/v1/federation/manifest', signedByPython);
    expect(res.status).toBe(200);
    expect(res.body.signature).toBe(signedByPython['signature']);
    const forged = { ...signedByPython, entities: ['stigmem://org-py.example', 'stigmem://org-py.example/agent/emile'] };
    expect((await node.req('PUT', '/v1/federation/manifest', forged)).body.detail).toBe('self-signature verification failed');
  });
});
