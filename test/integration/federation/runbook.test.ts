// The "Federation Peer Setup" runbook, step by step, against two real nodes on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { call, waitFor } from '../../helpers/http.js';
import { spawnNode, type NodeProcess } from '../../helpers/process.js';

const hasPythonCrypto = (() => {
  try {
    execFileSync('python3', ['-c', 'import cryptography']);
    return true;
  } catch {
    return false;
  }
})();

/** Step 1 verbatim: the runbook's own Python keygen (padded base64url). */
function runbookKeypair(): { STIGMEM_FEDERATION_PRIVKEY: string; STIGMEM_FEDERATION_PUBKEY: string } {
  const out = execFileSync('python3', ['-c', `
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
import base64
priv = Ed25519PrivateKey.generate()
priv_bytes = priv.private_bytes_raw()
pub_bytes = priv.public_key().public_bytes_raw()
print('STIGMEM_FEDERATION_PRIVKEY=' + base64.urlsafe_b64encode(priv_bytes).decode())
print('STIGMEM_FEDERATION_PUBKEY=' + base64.urlsafe_b64encode(pub_bytes).decode())
`]).toString();
  const env = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return env as { STIGMEM_FEDERATION_PRIVKEY: string; STIGMEM_FEDERATION_PUBKEY: string };
}

const KEY_A = 'runbook-admin-a-0123456789';
const KEY_B = 'runbook-admin-b-0123456789';

describe.skipIf(!hasPythonCrypto)('runbook: Federation Peer Setup, steps 1–5 and removing a peer', () => {
  const nodes: NodeProcess[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.cleanup();
  });

  it('follows the runbook literally', async () => {
    if (!hasPythonCrypto) console.log('skipped: python3 with the cryptography module is needed for the runbook keygen');
    // Step 1 — generate federation keypairs.
    const keysA = runbookKeypair();
    const keysB = runbookKeypair();
    expect(keysA.STIGMEM_FEDERATION_PUBKEY.endsWith('=')).toBe(true);
    const common = { STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '1' };
    const a = await spawnNode({ ...keysA, ...common, STIGMEM_ADMIN_KEY: KEY_A, STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
    nodes.push(a);
    let b = await spawnNode({ ...keysB, ...common, STIGMEM_ADMIN_KEY: KEY_B, STIGMEM_ENTITY_URI: 'stigmem://org-b.example' });
    nodes.push(b);

    // Step 2 — verify the well-known endpoint.
    const wkA = (await call(`${a.url}/.well-known/stigmem`)).body;
    const wkB = (await call(`${b.url}/.well-known/stigmem`)).body;
    expect(wkA).toMatchObject({ node_url: `http://localhost:${a.port}`, pull_interval_s: 1, spec_version: '1.1' });
    expect(wkA.node_id).toMatch(/^stigmem:node:/);
    expect(wkA.public_key).toBe(keysA.STIGMEM_FEDERATION_PUBKEY.replace(/=+$/, ''));

    // Step 3 — register each other (replication is mutual), pinning the keys exactly as the operator has them.
    const regA = await call(`${a.url}/v1/federation/peers`, { key: KEY_A, body: { peer_url: `http://localhost:${b.port}`, trusted_public_key: keysB.STIGMEM_FEDERATION_PUBKEY } });
    expect(regA.status).toBe(201);
    expect(regA.body).toMatchObject({ status: 'active', node_id: wkB.node_id, allowed_scopes: ['public'] });
    const regB = await call(`${b.url}/v1/federation/peers`, { key: KEY_B, body: { peer_url: `http://localhost:${a.port}`, trusted_public_key: wkA.public_key } });
    expect(regB.status).toBe(201);
    const peerBonA: string = regA.body.id;
    const peerAonB: string = regB.body.id;
    const list = await call(`${a.url}/v1/federation/peers`, { key: KEY_A });
    expect(list.body.peers.map((p: { id: string }) => p.id)).toEqual([peerBonA]);
    expect((await call(`${a.url}/v1/federation/peers`, { key: KEY_A, body: { peer_url: `http://localhost:${b.port}`, trusted_public_key: keysB.STIGMEM_FEDERATION_PUBKEY } })).status).toBe(409);

    // Step 4 — confirm replication is running.
    const fact = { entity: 'stigmem://org-a.example/project/atlas', relation: 'roadmap:status', value: { type: 'string', v: 'in-flight' }, source: 'stigmem://org-a.example/agent/assistant', confidence: 0.9, scope: 'public' };
    const written = await call(`${a.url}/v1/facts`, { key: KEY_A, body: fact });
    expect(written.status).toBe(201);
    const status = await waitFor('B to pull the fact', async () => {
      const r = await call(`${b.url}/v1/federation/peers/${peerAonB}`, { key: KEY_B });
      return r.body.facts_received >= 1 ? r.body : undefined;
    });
    expect(status.error).toBeNull();
    expect(typeof status.last_pull).toBe('string');
    expect(Number.isInteger(status.pull_lag_ms)).toBe(true);
    const onB = await call(`${b.url}/v1/facts/${written.body.id}`, { key: KEY_B });
    expect(onB.status).toBe(200);
    expect(onB.body).toMatchObject({ id: written.body.id, cid: written.body.cid, received_from: wkA.node_id, value: { type: 'string', v: 'in-flight' } });
    const audit = await call(`${b.url}/v1/federation/audit?limit=10`, { key: KEY_B });
    expect(audit.body.entries.map((e: { event_type: string }) => e.event_type)).toContain('pull_completed');

    // Step 5 — B rotates its key: A refuses it as signature_mismatch until the operator re-pins.
    await b.stop('SIGTERM');
    const keysB2 = runbookKeypair();
    b = await spawnNode({ ...keysB2, ...common, STIGMEM_ADMIN_KEY: KEY_B, STIGMEM_ENTITY_URI: 'stigmem://org-b.example', STIGMEM_PORT: String(b.port) }, { dir: b.dir });
    nodes.push(b);
    await call(`${b.url}/v1/facts`, { key: KEY_B, body: { ...fact, entity: 'stigmem://org-b.example/project/kepler', source: 'stigmem://org-b.example/agent/assistant' } });
    const mismatch = await waitFor('A to notice the key change', async () => {
      const r = await call(`${a.url}/v1/federation/peers/${peerBonA}`, { key: KEY_A });
      return r.body.error === 'signature_mismatch' ? r.body : undefined;
    });
    expect(mismatch.status).toBe('key_mismatch');
    const mmAudit = await call(`${a.url}/v1/federation/audit?event_type=signature_mismatch`, { key: KEY_A });
    expect(mmAudit.body.entries.length).toBeGreaterThan(0);
    const kepler = await call(`${a.url}/v1/facts?entity=${encodeURIComponent('stigmem://org-b.example/project/kepler')}`, { key: KEY_A });
    expect(kepler.body.facts).toEqual([]);

    const NEW_KEY = (await call(`${b.url}/.well-known/stigmem`)).body.public_key;
    const patched = await call(`${a.url}/v1/federation/peers/${peerBonA}`, { method: 'PATCH', key: KEY_A, body: { trusted_public_key: NEW_KEY } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'active', trusted_public_key: NEW_KEY, error: null });
    await waitFor('A to pull from B after the re-pin', async () => {
      const r = await call(`${a.url}/v1/facts?entity=${encodeURIComponent('stigmem://org-b.example/project/kepler')}`, { key: KEY_A });
      return r.body.facts.length === 1 ? true : undefined;
    });
    const repinAudit = await call(`${a.url}/v1/federation/audit?event_type=peer_repinned`, { key: KEY_A });
    expect(repinAudit.body.entries).toHaveLength(1);

    // Removing a peer — the pull loop stops; facts already replicated stay.
    const del = await call(`${a.url}/v1/federation/peers/${peerBonA}`, { method: 'DELETE', key: KEY_A });
    expect(del.status).toBe(204);
    expect((await call(`${a.url}/v1/federation/peers/${peerBonA}`, { key: KEY_A })).status).toBe(404);
    await call(`${b.url}/v1/facts`, { key: KEY_B, body: { ...fact, entity: 'stigmem://org-b.example/project/after-removal', source: 'stigmem://org-b.example/agent/assistant' } });
    await new Promise((r) => setTimeout(r, 2500));
    const after = await call(`${a.url}/v1/facts?entity=${encodeURIComponent('stigmem://org-b.example/project/after-removal')}`, { key: KEY_A });
    expect(after.body.facts).toEqual([]);
    const kept = await call(`${a.url}/v1/facts?entity=${encodeURIComponent('stigmem://org-b.example/project/kepler')}`, { key: KEY_A });
    expect(kept.body.facts).toHaveLength(1);
    const removedAudit = await call(`${a.url}/v1/federation/audit?event_type=peer_removed`, { key: KEY_A });
    expect(removedAudit.body.entries[0].detail).toMatchObject({ node_id: wkB.node_id });
  }, 60_000);
});
