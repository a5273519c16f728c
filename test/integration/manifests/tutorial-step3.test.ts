// The two-org tutorial's Steps 1–3 run as written (bash, openssl, curl) against a real `stigmem serve` process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { verifyCheckpoint } from '../../../src/main/node/transparency/checkpoint.js';
import { leafHash, verifyInclusion } from '../../../src/main/node/transparency/verifier.js';
import { freePort, REPO_ROOT, spawnNode, type NodeProcess } from '../../helpers/process.js';

// Step 1, Terminal A, verbatim: the key ceremony, then the exports that Terminal A keeps for Step 3.
const STEP_1_KEYS = `
mkdir -p ~/stigmem-org-a && cd ~/stigmem-org-a

openssl genpkey -algorithm Ed25519 -out signing.key
openssl pkey -in signing.key -pubout -out signing.pub
`;
const STEP_1_EXPORTS = `
cd ~/stigmem-org-a
export ORG_A_PUB=$(openssl pkey -in signing.key -pubout -outform DER \\
| tail -c 32 | base64 | tr '+/' '-_' | tr -d '=')
export ORG_A_KEY_ID=$(openssl pkey -in signing.key -pubout -outform DER \\
| tail -c 32 | sha256sum | awk '{print $1}')
`;

// Step 3, Terminal A, verbatim but for the port.
const STEP_3 = `
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EXPIRES=$(date -u -d '+1 year' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null \\
|| date -u -v+1y +%Y-%m-%dT%H:%M:%SZ)

# Terminal A — publish Org A manifest
curl -s -X PUT http://localhost:8100/v1/federation/manifest \\
-H "Authorization: Bearer secret-admin-a" \\
-H "Content-Type: application/json" \\
-d "{
\\"manifest_version\\": 1,
\\"entity_uri\\": \\"stigmem://org-a.example\\",
\\"public_key\\": \\"$ORG_A_PUB\\",
\\"key_id\\": \\"$ORG_A_KEY_ID\\",
\\"entities\\": [\\"stigmem://org-a.example\\", \\"stigmem://org-a.example/agent/assistant\\"],
\\"rotation_events\\": [],
\\"issued_at\\": \\"$NOW\\",
\\"expires_at\\": \\"$EXPIRES\\",
\\"signature\\": \\"__self_sign__\\"
}" | jq .
`;

const hasTools = ['openssl', 'curl', 'jq'].every((tool) => spawnSync('bash', ['-c', `command -v ${tool}`]).status === 0);
if (!hasTools) console.log('skipping the tutorial run: openssl, curl and jq are needed');

interface LogEntryJson {
  log_index: number;
  leaf_hash: string;
  tree_size: number;
  root_hash: string;
  inclusion_proof: string[];
}
type ManifestJson = Record<string, unknown> & { signature: string; log_entry: LogEntryJson };

function bash(script: string, home: string): string {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
}

describe.skipIf(!hasTools)('tutorial Step 3: publish Org A manifest', () => {
  let home: string;
  let node: NodeProcess;
  let orgAPub: string;
  let orgAKeyId: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-cli.mjs')]);
    home = mkdtempSync(join(tmpdir(), 'stigmem-tutorial-'));
    [orgAPub = '', orgAKeyId = ''] = bash(`${STEP_1_KEYS}\n${STEP_1_EXPORTS}\necho "$ORG_A_PUB"; echo "$ORG_A_KEY_ID"`, home).trim().split('\n');
    // Step 2, Terminal A (the port is a free one rather than 8100).
    const port = await freePort();
    node = await spawnNode({
      STIGMEM_NODE_PRIVATE_KEY_FILE: 'signing.key',
      STIGMEM_ENTITY_URI: 'stigmem://org-a.example',
      STIGMEM_PORT: String(port),
      STIGMEM_FEDERATION_ENABLED: 'true',
      STIGMEM_TRUST_MODE: 'strict',
      STIGMEM_ADMIN_KEY: 'secret-admin-a',
    }, { dir: join(home, 'stigmem-org-a') });
  });

  afterAll(async () => {
    await node?.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  it('derives the key id the way our node does (64-hex SHA-256 of the raw key)', () => {
    expect(orgAPub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(orgAKeyId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers 200 with a self-signed manifest and a log entry whose proof verifies', async () => {
    const script = `${STEP_1_EXPORTS}\n${STEP_3.replace('localhost:8100', `localhost:${node.port}`)}`;
    const out = bash(script, home);
    const res = JSON.parse(out) as ManifestJson;
    expect(res).toMatchObject({ entity_uri: 'stigmem://org-a.example', key_id: orgAKeyId, manifest_version: 1 });
    expect(res.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const e = res.log_entry;
    expect(verifyInclusion(e.leaf_hash, e.log_index, e.tree_size, e.inclusion_proof, e.root_hash)).toBe(true);

    // What a peer sees: the manifest verifies under ORG_A_PUB, its leaf is in the log, the checkpoint is signed by Org A.
    const served = await (await fetch(`${node.url}/v1/federation/manifest/stigmem%3A%2F%2Forg-a.example`)).json() as ManifestJson;
    const { signature, log_entry, manifest_version: _v, ...fields } = served;
    expect(fields['public_key']).toBe(orgAPub);
    expect(fields['entities']).toEqual(['stigmem://org-a.example', 'stigmem://org-a.example/agent/assistant']);
    expect(verifyB64(orgAPub, canonicalJcsBytes(fields), signature)).toBe(true);
    expect(log_entry.leaf_hash).toBe(leafHash(canonicalJcsBytes({ ...fields, signature })).toString('hex'));
    const checkpoint = await (await fetch(`${node.url}/v1/federation/transparency/checkpoint`)).json() as Record<string, unknown>;
    expect(verifyCheckpoint(checkpoint, orgAPub)).toBe(true);
    expect(checkpoint['root_hash']).toBe(log_entry.root_hash);
    const wellKnown = await fetch(`${node.url}/.well-known/stigmem-manifest.json`);
    expect(wellKnown.status).toBe(200);
    expect(((await wellKnown.json()) as Record<string, unknown>)['signature']).toBe(signature);
  });

  it('refuses the same PUT without the admin key', () => {
    const script = `${STEP_1_EXPORTS}\n${STEP_3.replace('localhost:8100', `localhost:${node.port}`).replace('Bearer secret-admin-a', 'Bearer wrong-key')}`;
    const res = JSON.parse(bash(script, home)) as Record<string, unknown>;
    expect(res['detail']).toBe('Invalid or expired API key');
  });
});
