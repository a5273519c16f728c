// Replication between real nodes (and a reference-format stand-in peer): scopes, replay, skew, crashes, removal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { mintPeerToken } from '../../../src/main/node/federation/peerToken.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { referenceFact, startFakePeer, type FakePeer } from '../../helpers/fakePeer.js';
import { call, waitFor } from '../../helpers/http.js';
import { spawnNode, type NodeProcess } from '../../helpers/process.js';

const KEY = 'replication-admin-key-0123456789';
const fed = { STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '1', STIGMEM_ADMIN_KEY: KEY };
const seedEnv = () => {
  const seed = generateSeed();
  return { env: { STIGMEM_FEDERATION_PRIVKEY: toBase64Url(seed), STIGMEM_FEDERATION_PUBKEY: signerFromSeed(seed, 't').publicKey }, signer: signerFromSeed(seed, 't') };
};
const fact = (entity: string, scope: string, v = 'x') => ({ entity, relation: 'memory:status', value: { type: 'string', v }, source: 'stigmem://org-a.example/agent/bot', confidence: 1.0, scope });

async function pair(a: NodeProcess, b: NodeProcess, scopesOnA?: string[], scopesOnB?: string[]) {
  const ka = (await call(`${a.url}/.well-known/stigmem`)).body.public_key;
  const kb = (await call(`${b.url}/.well-known/stigmem`)).body.public_key;
  const onA = await call(`${a.url}/v1/federation/peers`, { key: KEY, body: { peer_url: b.url, trusted_public_key: kb, ...(scopesOnA ? { allowed_scopes: scopesOnA } : {}) } });
  const onB = await call(`${b.url}/v1/federation/peers`, { key: KEY, body: { peer_url: a.url, trusted_public_key: ka, ...(scopesOnB ? { allowed_scopes: scopesOnB } : {}) } });
  expect(onA.status).toBe(201);
  expect(onB.status).toBe(201);
  return { peerBonA: onA.body.id as string, peerAonB: onB.body.id as string };
}

const countFacts = async (n: NodeProcess, q: string) => (await call(`${n.url}/v1/facts?${q}&limit=500`, { key: KEY })).body.total as number;

describe('replication between two nodes', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let aSigner: ReturnType<typeof seedEnv>['signer'];
  let ids: { peerBonA: string; peerAonB: string };
  beforeAll(async () => {
    const ka = seedEnv();
    aSigner = ka.signer;
    a = await spawnNode({ ...fed, ...ka.env, STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
    b = await spawnNode({ ...fed, ...seedEnv().env, STIGMEM_ENTITY_URI: 'stigmem://org-b.example' });
    ids = await pair(a, b, ['company', 'public'], ['public']);
  });
  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
  });

  it('replicates public facts and refuses local, team and unlisted company facts', async () => {
    for (const [scope, v] of [['public', 'p'], ['local', 'l'], ['team', 't'], ['company', 'c']] as const) {
      expect((await call(`${a.url}/v1/facts`, { key: KEY, body: fact('stigmem://org-a.example/project/scopes', scope, v) })).status).toBe(201);
    }
    await waitFor('the public fact at B', async () => ((await countFacts(b, 'entity=stigmem%3A%2F%2Forg-a.example%2Fproject%2Fscopes')) >= 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500));
    const atB = await call(`${b.url}/v1/facts?entity=${encodeURIComponent('stigmem://org-a.example/project/scopes')}&include_contradicted=true`, { key: KEY });
    expect(atB.body.facts.map((f: { scope: string }) => f.scope)).toEqual(['public']);
  });

  it('refuses a replayed peer token (single-use nonce) and audits the attempt', async () => {
    const wkA = (await call(`${a.url}/.well-known/stigmem`)).body;
    const wkB = (await call(`${b.url}/.well-known/stigmem`)).body;
    // B's own key would be needed to impersonate B; A's key signs here as A pulling from B.
    const token = mintPeerToken(aSigner, { iss: wkA.node_id, sub: wkB.node_id, scopes: ['public'] }, Date.now());
    const first = await call(`${b.url}/v1/federation/facts?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(first.status).toBe(200);
    expect(first.headers.get('stigmem-signature')).toBeTruthy();
    const replay = await call(`${b.url}/v1/federation/facts?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toBe('nonce_already_seen');
    expect(JSON.stringify(replay.body)).not.toContain('facts');
    const audit = await call(`${b.url}/v1/federation/audit?event_type=replay_attempt`, { key: KEY });
    expect(audit.body.entries.length).toBeGreaterThan(0);
  });

  it('answers API keys, garbage and alg=none on the peer route with 401', async () => {
    for (const auth of [`Bearer ${KEY}`, 'Bearer abc.def.ghi', 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.', 'Basic dXNlcjpwYXNz', '']) {
      const r = await call(`${b.url}/v1/federation/facts`, { headers: auth ? { authorization: auth } : {} });
      expect(r.status).toBe(401);
      expect(r.body.detail).toBeTruthy();
    }
  });

  it('survives a crash mid-replication without losing or duplicating a fact', async () => {
    const N = 600;
    const entity = 'stigmem://org-a.example/project/crash';
    for (let i = 0; i < N; i++) await call(`${a.url}/v1/facts`, { key: KEY, body: fact(`${entity}/${i}`, 'public', `v${i}`) });
    await waitFor('some facts at B', async () => ((await call(`${b.url}/v1/federation/peers/${ids.peerAonB}`, { key: KEY })).body.facts_received > 50 ? true : undefined), 20_000, 20);
    await b.stop('SIGKILL');
    const bDir = b.dir;
    b = await spawnNode({ ...fed, ...seedEnv().env, STIGMEM_ENTITY_URI: 'stigmem://org-b.example', STIGMEM_PORT: String(b.port) }, { dir: bDir });
    // B restarted with another federation key; let A trust it again so B's pulls are accepted.
    const kb = (await call(`${b.url}/.well-known/stigmem`)).body.public_key;
    expect((await call(`${a.url}/v1/federation/peers/${ids.peerBonA}`, { method: 'PATCH', key: KEY, body: { trusted_public_key: kb } })).status).toBe(200);
    await waitFor('all facts at B', async () => {
      const peer = (await call(`${b.url}/v1/federation/peers/${ids.peerAonB}`, { key: KEY })).body;
      return peer.facts_received >= N + 1 ? true : undefined;
    }, 40_000, 200);
    const page = await call(`${b.url}/v1/facts?source=${encodeURIComponent('stigmem://org-a.example/agent/bot')}&limit=500`, { key: KEY });
    expect(page.body.total).toBe(N + 1);
    const peer = (await call(`${b.url}/v1/federation/peers/${ids.peerAonB}`, { key: KEY })).body;
    expect(peer.facts_received).toBe(N + 1);
  }, 90_000);
});

describe('a reference-format peer', () => {
  let ours: NodeProcess;
  let peer: FakePeer;
  beforeAll(async () => {
    ours = await spawnNode({ ...fed, ...seedEnv().env });
    peer = await startFakePeer({ entityUri: 'stigmem://org-c.example' });
  });
  afterAll(async () => {
    await ours?.cleanup();
    await peer?.close();
  });

  it('ingests a page with unpadded HLCs, rejecting on its own a fact an hour ahead and one it does not own', async () => {
    const now = Date.now();
    peer.facts.push(
      referenceFact({ id: '00000000-0000-4000-8000-000000000001', entity: 'stigmem://org-c.example/e/1', source: 'stigmem://org-c.example/agent/a', hlc: `${now - 1000}.1` }),
      referenceFact({ id: '00000000-0000-4000-8000-000000000002', entity: 'stigmem://org-c.example/e/2', source: 'stigmem://org-c.example/agent/a', hlc: `${now + 3_600_000}.0` }),
      referenceFact({ id: '00000000-0000-4000-8000-000000000003', entity: 'stigmem://org-c.example/e/3', source: 'stigmem://org-c.example.evil/agent/a', hlc: `${now - 900}.2` }),
      referenceFact({ id: '00000000-0000-4000-8000-000000000004', entity: 'stigmem://org-c.example/e/4', source: 'stigmem://org-c.example/agent/a', hlc: `${now - 800}.10` }),
    );
    const reg = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body: { peer_url: peer.url, trusted_public_key: peer.signer.publicKey } });
    expect(reg.body).toMatchObject({ status: 'active', node_id: peer.nodeId, entity_uri: 'stigmem://org-c.example' });
    const rec = await waitFor('the page to be processed', async () => {
      const r = (await call(`${ours.url}/v1/federation/peers/${reg.body.id}`, { key: KEY })).body;
      return r.facts_received + r.facts_rejected >= 4 ? r : undefined;
    });
    expect(rec.facts_received).toBe(2);
    expect(rec.facts_rejected).toBe(2);
    expect(rec.error).toBeNull();
    const got = await call(`${ours.url}/v1/facts?source=${encodeURIComponent('stigmem://org-c.example/agent/a')}`, { key: KEY });
    expect(got.body.facts.map((f: { id: string }) => f.id).sort()).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000004']);
    const rejected = await call(`${ours.url}/v1/federation/audit?event_type=rejected_fact`, { key: KEY });
    const reasons = rejected.body.entries.map((e: { detail: { reason: string } }) => e.detail.reason).sort();
    expect(reasons).toEqual(['hlc_skew', 'source_not_owned']);
    // The cursor is the peer's own HLC text, passed back verbatim.
    expect(rec.cursor).toBe(peer.facts[3]!['hlc']);
  });

  it('pages through 1,250 facts asking for each page once, in cursor order', async () => {
    const other = await startFakePeer({ entityUri: 'stigmem://org-d.example' });
    try {
      const start = Date.now() - 60_000;
      for (let i = 0; i < 1250; i++) {
        other.facts.push(referenceFact({ id: `00000000-0000-4000-8001-${String(i).padStart(12, '0')}`, entity: `stigmem://org-d.example/e/${i}`, source: 'stigmem://org-d.example/agent/a', hlc: `${start + i}.0`, v: `v${i}` }));
      }
      const reg = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body: { peer_url: other.url, trusted_public_key: other.signer.publicKey } });
      const rec = await waitFor('all 1,250 facts', async () => {
        const r = (await call(`${ours.url}/v1/federation/peers/${reg.body.id}`, { key: KEY })).body;
        return r.facts_received >= 1250 ? r : undefined;
      }, 30_000, 50);
      expect(rec.facts_received).toBe(1250);
      expect(rec.facts_rejected).toBe(0);
      const last = String(other.facts[1249]!['hlc']);
      expect(other.pageCursors.slice(0, 3)).toEqual([null, String(other.facts[499]!['hlc']), String(other.facts[999]!['hlc'])]);
      // Later cycles only ask what came after the last page.
      expect(other.pageCursors.slice(3).every((c) => c === last)).toBe(true);
      const stored = await call(`${ours.url}/v1/facts?source=${encodeURIComponent('stigmem://org-d.example/agent/a')}&limit=1`, { key: KEY });
      expect(stored.body.total).toBe(1250);
      await call(`${ours.url}/v1/federation/peers/${reg.body.id}`, { method: 'DELETE', key: KEY });
    } finally {
      await other.close();
    }
  });

  it('stops at once when the peer is removed mid-pull, aborting the request in flight', async () => {
    const other = await startFakePeer();
    try {
      other.hang = true;
      const reg = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body: { peer_url: other.url, trusted_public_key: other.signer.publicKey } });
      await waitFor('a pull request to be in flight', async () => (other.requests.includes('GET /v1/federation/facts') ? true : undefined));
      const del = await call(`${ours.url}/v1/federation/peers/${reg.body.id}`, { method: 'DELETE', key: KEY });
      expect(del.status).toBe(204);
      await waitFor('the in-flight request to be aborted', async () => (other.closedWhileHanging > 0 ? true : undefined), 3000);
      const before = other.requests.length;
      await new Promise((r) => setTimeout(r, 2500));
      expect(other.requests.length).toBe(before);
    } finally {
      await other.close();
    }
  });

  it('records a wrong pin as key_mismatch with signature_mismatch and never pulls', async () => {
    const other = await startFakePeer({ signDeclaration: true });
    try {
      const wrong = signerFromSeed(generateSeed(), 't').publicKey;
      const reg = await call(`${ours.url}/v1/federation/peers`, { key: KEY, body: { peer_url: other.url, trusted_public_key: wrong } });
      expect(reg.status).toBe(201);
      expect(reg.body).toMatchObject({ status: 'key_mismatch', error: 'signature_mismatch' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(other.requests).not.toContain('GET /v1/federation/facts');
      const fixed = await call(`${ours.url}/v1/federation/peers/${reg.body.id}`, { method: 'PATCH', key: KEY, body: { trusted_public_key: other.signer.publicKey } });
      expect(fixed.body).toMatchObject({ status: 'active', error: null });
      await waitFor('a pull after the re-pin', async () => (other.requests.includes('GET /v1/federation/facts') ? true : undefined));
    } finally {
      await other.close();
    }
  });
});
