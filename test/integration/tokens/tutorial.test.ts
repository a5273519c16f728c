// The two-org tutorial on two real `stigmem serve` processes, its commands run as written (bash, openssl, curl, jq;
// only the ports differ): Steps 1–9, plus `stigmem facts write` from Org B and the revocation reaching Org B.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { call, waitFor } from '../../helpers/http.js';
import { freePort, REPO_ROOT, runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';

const hasTools = ['openssl', 'curl', 'jq'].every((tool) => spawnSync('bash', ['-c', `command -v ${tool}`]).status === 0);
if (!hasTools) console.log('skipping the tutorial run: openssl, curl and jq are needed');

const keygen = (org: 'a' | 'b'): string => `
mkdir -p ~/stigmem-org-${org} && cd ~/stigmem-org-${org}
openssl genpkey -algorithm Ed25519 -out signing.key
openssl pkey -in signing.key -pubout -out signing.pub`;

const exportsFor = (org: 'a' | 'b'): string => {
  const O = org.toUpperCase();
  return `
cd ~/stigmem-org-${org}
export ORG_${O}_PUB=$(openssl pkey -in signing.key -pubout -outform DER \\
| tail -c 32 | base64 | tr '+/' '-_' | tr -d '=')
export ORG_${O}_KEY_ID=$(openssl pkey -in signing.key -pubout -outform DER \\
| tail -c 32 | sha256sum | awk '{print $1}')`;
};

const publish = (org: 'a' | 'b'): string => {
  const O = org.toUpperCase();
  return `
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EXPIRES=$(date -u -d '+1 year' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null \\
|| date -u -v+1y +%Y-%m-%dT%H:%M:%SZ)
curl -s -X PUT http://localhost:${org === 'a' ? 8100 : 8200}/v1/federation/manifest \\
-H "Authorization: Bearer secret-admin-${org}" \\
-H "Content-Type: application/json" \\
-d "{
\\"manifest_version\\": 1,
\\"entity_uri\\": \\"stigmem://org-${org}.example\\",
\\"public_key\\": \\"$ORG_${O}_PUB\\",
\\"key_id\\": \\"$ORG_${O}_KEY_ID\\",
\\"entities\\": [\\"stigmem://org-${org}.example\\", \\"stigmem://org-${org}.example/agent/assistant\\"],
\\"rotation_events\\": [],
\\"issued_at\\": \\"$NOW\\",
\\"expires_at\\": \\"$EXPIRES\\",
\\"signature\\": \\"__self_sign__\\"
}" | jq .`;
};

const REGISTER = `
curl -s -X POST http://localhost:8100/v1/federation/peers \\
-H "Authorization: Bearer secret-admin-a" \\
-H "Content-Type: application/json" \\
-d '{
"peer_url": "http://localhost:8200",
"peer_entity_uri": "stigmem://org-b.example"
}' | jq .
curl -s -X POST http://localhost:8200/v1/federation/peers \\
-H "Authorization: Bearer secret-admin-b" \\
-H "Content-Type: application/json" \\
-d '{
"peer_url": "http://localhost:8100",
"peer_entity_uri": "stigmem://org-a.example"
}' | jq .`;

const STEP_4 = `
QUARANTINE_ID=$(curl -s -X POST http://localhost:8100/v1/gardens \\
-H "Authorization: Bearer secret-admin-a" \\
-H "Content-Type: application/json" \\
-d '{
"slug": "inbound-quarantine",
"name": "Inbound quarantine",
"scope": "company",
"quarantine": true
}' | jq -r '.id')
curl -s -X PATCH http://localhost:8100/v1/admin/config \\
-H "Authorization: Bearer secret-admin-a" \\
-H "Content-Type: application/json" \\
-d "{\\"quarantine_garden_id\\": \\"$QUARANTINE_ID\\"}" | jq . >/dev/null
echo "$QUARANTINE_ID"`;

const STEP_5_ISSUE = `
TOKEN_RESPONSE=$(curl -s -X POST http://localhost:8100/v1/federation/capability-tokens \\
-H "Authorization: Bearer secret-admin-a" \\
-H "Content-Type: application/json" \\
-d '{
"issuer": "stigmem://org-a.example",
"subject": "stigmem://org-b.example/agent/bot",
"verb": "write",
"object": "stigmem://org-a.example/scope/shared",
"ttl_seconds": 86400
}')
TOKEN_ID=$(echo "$TOKEN_RESPONSE" | jq -r '.token_id')
TOKEN_JSON=$(echo "$TOKEN_RESPONSE" | jq -r '.token_json')
echo "$TOKEN_RESPONSE"`;

const VERIFY = `
curl -s -X POST http://localhost:8100/v1/federation/capability-tokens/verify \\
-H "Content-Type: application/json" \\
-d "{\\"token_json\\": $TOKEN_JSON}" | jq .`;

const STEP_6_WRITE = `
curl -s -X POST http://localhost:8100/v1/facts \\
-H "Authorization: Bearer $TOKEN_JSON" \\
-H "Content-Type: application/json" \\
-d '{
"entity": "stigmem://org-a.example/project/atlas",
"relation": "memory:status",
"value": { "type": "string", "v": "active" },
"source": "stigmem://org-b.example/agent/bot",
"confidence": 0.85,
"scope": "company"
}' | jq .`;

const STEP_6_LIST = `
curl -s "http://localhost:8100/v1/quarantine?quarantine_status=pending" \\
-H "Authorization: Bearer secret-admin-a" | jq .`;

const STEP_7 = `
curl -s -X POST "http://localhost:8100/v1/gardens/$QUARANTINE_ID/promote" \\
-H "Authorization: Bearer secret-admin-a" \\
-H "Content-Type: application/json" \\
-d "{
\\"fact_id\\": \\"$FACT_ID\\",
\\"target_garden_id\\": null,
\\"reason\\": \\"Org B status update verified; source has valid capability token.\\"
}" | jq .`;

const STEP_8 = `
curl -s "http://localhost:8100/v1/facts/$FACT_ID" \\
-H "Authorization: Bearer secret-admin-a" | jq '{
fact_id: .id,
entity: .entity,
relation: .relation,
value: .value,
source: .source,
source_trust: .source_trust,
derived_from: .derived_from,
attestation_chain: .attestation_chain,
quarantine_status: .quarantine_status
}'`;

const STEP_9 = `
curl -s -X POST "http://localhost:8100/v1/federation/capability-tokens/$TOKEN_ID/revoke" \\
-H "Authorization: Bearer secret-admin-a" \\
-H "Content-Type: application/json" \\
-d '{"reason": "Tutorial complete; token no longer needed."}' | jq .`;

describe.skipIf(!hasTools)('tutorial: two-org federated network, Steps 5–9', () => {
  let home: string;
  let a: NodeProcess;
  let b: NodeProcess;
  const vars: Record<string, string> = {};

  /** Run a tutorial script as Terminal A or B would (ports swapped for the test's own). */
  function bash(script: string, extra: Record<string, string> = {}): string {
    const ported = script.replaceAll('localhost:8100', `localhost:${a.port}`).replaceAll('localhost:8200', `localhost:${b.port}`);
    return execFileSync('bash', ['-euo', 'pipefail', '-c', ported], { env: { ...process.env, HOME: home, ...vars, ...extra }, encoding: 'utf8' });
  }
  const json = (script: string, extra: Record<string, string> = {}) => JSON.parse(bash(script, extra)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-cli.mjs')]);
    home = mkdtempSync(join(tmpdir(), 'stigmem-tutorial-'));
    for (const org of ['a', 'b'] as const) execFileSync('bash', ['-euo', 'pipefail', '-c', keygen(org)], { env: { ...process.env, HOME: home } });
    const [portA, portB] = [await freePort(), await freePort()];
    const env = (org: 'a' | 'b', port: number) => ({
      STIGMEM_NODE_PRIVATE_KEY_FILE: 'signing.key', STIGMEM_ENTITY_URI: `stigmem://org-${org}.example`, STIGMEM_PORT: String(port),
      STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_TRUST_MODE: 'strict', STIGMEM_ADMIN_KEY: `secret-admin-${org}`,
      // Short, so the revocation's trip to Org B fits in a test.
      STIGMEM_FEDERATION_PULL_INTERVAL_S: '1',
    });
    a = await spawnNode(env('a', portA), { dir: join(home, 'stigmem-org-a') });
    b = await spawnNode(env('b', portB), { dir: join(home, 'stigmem-org-b') });
    const keys = bash(`${exportsFor('a')}\n${exportsFor('b')}\necho "$ORG_A_PUB $ORG_A_KEY_ID $ORG_B_PUB $ORG_B_KEY_ID"`).trim().split(' ');
    [vars['ORG_A_PUB'], vars['ORG_A_KEY_ID'], vars['ORG_B_PUB'], vars['ORG_B_KEY_ID']] = keys as [string, string, string, string];
    expect(json(publish('a')).signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(json(publish('b')).signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const registered = bash(REGISTER);
    expect(registered.match(/"status": "active"/g)).toHaveLength(2);
    vars['QUARANTINE_ID'] = bash(STEP_4).trim();
    expect(vars['QUARANTINE_ID']).toMatch(/^[0-9a-f-]{36}$/);
  });

  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('Step 5: issues the token, which verifies from Terminal B without a key — at Org A and at Org B', async () => {
    const res = json(STEP_5_ISSUE);
    expect(res).toMatchObject({ issuer: 'stigmem://org-a.example', subject: 'stigmem://org-b.example/agent/bot', verb: 'write' });
    vars['TOKEN_ID'] = res.token_id;
    vars['TOKEN_JSON'] = res.token_json;
    expect(json(VERIFY)).toEqual({ valid: true });
    // Org B holds Org A's manifest since registration, so it verifies Org A's tokens itself.
    expect(json(VERIFY.replace('localhost:8100', 'localhost:8200'))).toEqual({ valid: true });
  });

  it('Step 6: Org B\'s write lands in quarantine with the tutorial\'s response', () => {
    const res = json(STEP_6_WRITE);
    expect(res).toMatchObject({
      fact_id: expect.stringMatching(/^[0-9a-f-]{36}$/), quarantine_status: 'pending', quarantine_garden_id: vars['QUARANTINE_ID'],
      quarantine_reason: 'auto-quarantine: source_trust below threshold (t=0.15)',
      // Reported as reads report it: confidence 0.85 × trust 0.15.
      source_trust: 0.15, effective_confidence: 0.1275,
    });
    vars['FACT_ID'] = res.fact_id;
    expect(bash(STEP_6_LIST)).toContain(res.fact_id);
    expect(bash('curl -s "http://localhost:8100/v1/facts?scope=company" -H "Authorization: Bearer secret-admin-a"')).not.toContain(res.fact_id);
  });

  it('Steps 7–8: once admitted, the fact shows its provenance', () => {
    expect(json(STEP_7)).toMatchObject({ fact_id: vars['FACT_ID'], target_garden_id: null });
    const res = json(STEP_8);
    expect(res).toMatchObject({
      fact_id: vars['FACT_ID'], entity: 'stigmem://org-a.example/project/atlas', relation: 'memory:status', value: { type: 'string', v: 'active' },
      source: 'stigmem://org-b.example/agent/bot', source_trust: 0.15, derived_from: [], quarantine_status: 'promoted',
    });
    // The curl write carries no writer signature, so the chain is Org A's receipt alone.
    expect(res.attestation_chain).toHaveLength(1);
  });

  it('stigmem facts write from Terminal B: the chain starts with Org B\'s signature, verifiable with one curl', async () => {
    const dirB = join(home, 'stigmem-org-b');
    writeFileSync(join(dirB, 'token.json'), vars['TOKEN_JSON']!);
    const out = await runCli([
      'facts', 'write', '--to', `http://localhost:${a.port}`, '--token', 'token.json', '--entity', 'stigmem://org-a.example/project/atlas',
      '--relation', 'memory:owner', '--value-type', 'string', '--value', 'org-b', '--source', 'stigmem://org-b.example/agent/bot',
      '--confidence', '0.85', '--scope', 'company',
    ], { cwd: dirB, env: { STIGMEM_NODE_PRIVATE_KEY_FILE: 'signing.key', STIGMEM_ENTITY_URI: 'stigmem://org-b.example' } });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const written = JSON.parse(out.stdout) as { fact_id: string; quarantine_status: string; attestation_chain: string[] };
    expect(written.quarantine_status).toBe('pending');
    const [orgBSignature] = written.attestation_chain;
    expect(written.attestation_chain).toHaveLength(2);
    expect(json(STEP_7, { FACT_ID: written.fact_id })).toMatchObject({ fact_id: written.fact_id });
    const prov = json(`curl -s "http://localhost:8100/v1/facts/$FACT_ID/provenance" -H "Authorization: Bearer secret-admin-a" | jq .`, { FACT_ID: written.fact_id });
    expect(prov).toMatchObject({
      chain_verified: true, received_via: 'token',
      capability_token: { token_id: vars['TOKEN_ID'], issuer: 'stigmem://org-a.example', subject: 'stigmem://org-b.example/agent/bot', valid_now: true },
      decisions: [{ action: 'promoted', reason: 'Org B status update verified; source has valid capability token.' }],
    });
    expect(prov.attestations[0]).toMatchObject({ role: 'writer', signer: 'stigmem://org-b.example', key_id: vars['ORG_B_KEY_ID'], signature: orgBSignature, verified: true });
    expect(prov.attestations[1]).toMatchObject({ role: 'receipt', signer: 'stigmem://org-a.example', key_id: vars['ORG_A_KEY_ID'], verified: true });
    // Anyone with Org B's public key checks the first signature over the signed body.
    const signedBody = bash(`curl -s "http://localhost:8100/v1/facts/$FACT_ID/provenance" -H "Authorization: Bearer secret-admin-a" | jq -cS .signed_body`, { FACT_ID: written.fact_id }).trim();
    expect(verifyB64(vars['ORG_B_PUB']!, Buffer.from(signedBody), orgBSignature!)).toBe(true);
  });

  it('Step 9: revoked at Org A, the token is refused there at once and at Org B within a pull interval', async () => {
    // Before: Org B accepts a write about Org A's entities under Org A's token.
    const before = await call(`${b.url}/v1/facts`, { key: vars['TOKEN_JSON'], body: { entity: 'stigmem://org-a.example/project/atlas', relation: 'memory:seen_by', value: { type: 'string', v: 'org-b' }, source: 'stigmem://org-b.example/agent/bot', confidence: 0.5, scope: 'company' } });
    expect(before.status).toBe(201);
    expect(json(STEP_9)).toMatchObject({ token_id: vars['TOKEN_ID'], status: 'revoked' });
    expect(json(VERIFY)).toEqual({ valid: false, reason: 'revoked' });
    const refused = json(STEP_6_WRITE);
    expect(refused).toEqual({ detail: 'capability token invalid: revoked', code: 'capability_token_invalid' });
    await waitFor('Org B to pull the revocation', async () => {
      const r = await call(`${b.url}/v1/federation/capability-tokens/verify`, { body: { token_json: vars['TOKEN_JSON'] } });
      return r.body.reason === 'revoked' ? r.body : undefined;
    }, 20_000, 250);
    const after = await call(`${b.url}/v1/facts`, { key: vars['TOKEN_JSON'], body: { entity: 'stigmem://org-a.example/project/atlas', relation: 'memory:seen_by', value: { type: 'string', v: 'org-b again' }, source: 'stigmem://org-b.example/agent/bot', scope: 'company' } });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ detail: 'capability token invalid: revoked', code: 'capability_token_invalid' });
  });
});
