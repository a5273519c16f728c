// Registering a peer by its organisation's entity before that organisation has published its manifest (the tutorial's
// Terminal A going first): the peer waits, with no key pinned, and becomes active on its own once the manifest is there.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { call, waitFor } from '../../helpers/http.js';
import { spawnNode, type NodeProcess } from '../../helpers/process.js';
import { manifestBody } from '../../unit/tokens/helpers.js';

const KEY = 'register-entity-admin-0123456789abcdef';
const ORG_B = 'stigmem://org-b.example';
const procs: NodeProcess[] = [];
const home = mkdtempSync(join(tmpdir(), 'stigmem-by-entity-'));

afterAll(async () => {
  for (const p of procs) await p.cleanup();
  rmSync(home, { recursive: true, force: true });
});

describe('a peer registered by its entity before its manifest exists', () => {
  it('waits without a pinned key, then pins the manifest\'s key on its own once it is published', async () => {
    for (const d of ['a', 'b']) mkdirSync(join(home, d));
    const seedB = generateSeed();
    const keyB = signerFromSeed(seedB, 'b');
    const b = await spawnNode({ STIGMEM_ADMIN_KEY: KEY, STIGMEM_ENTITY_URI: ORG_B, STIGMEM_NODE_PRIVATE_KEY: toBase64Url(seedB), STIGMEM_FEDERATION_ENABLED: 'true' }, { dir: join(home, 'b') });
    procs.push(b);
    const a = await spawnNode({ STIGMEM_ADMIN_KEY: KEY, STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '0.2' }, { dir: join(home, 'a') });
    procs.push(a);

    const registered = await call(`${a.url}/v1/federation/peers`, { method: 'POST', key: KEY, body: { peer_url: b.url, peer_entity_uri: ORG_B } });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ status: 'unreachable', trusted_public_key: '', fingerprint: null, human_fingerprint: null, entity_uri: ORG_B });
    expect(String(registered.body['error'])).toMatch(/^manifest_unavailable: the peer serves no manifest for stigmem:\/\/org-b\.example/);
    const peerId = String(registered.body['id']);

    expect((await call(`${b.url}/v1/federation/manifest`, { method: 'PUT', key: KEY, body: manifestBody(keyB, ORG_B, Date.now()) })).status).toBe(200);
    const active = await waitFor('the peer to become active', async () => {
      const p = await call(`${a.url}/v1/federation/peers/${peerId}`, { key: KEY });
      return p.body['status'] === 'active' ? p.body : undefined;
    });
    expect(active).toMatchObject({ trusted_public_key: keyB.publicKey, error: null, node_id: expect.stringMatching(/^stigmem:node:/) });
    expect(active['fingerprint']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const audit = await call(`${a.url}/v1/federation/audit?peer_id=${peerId}&event_type=peer_verified`, { key: KEY });
    expect((audit.body['entries'] as unknown[]).length).toBe(1);
  });
});
