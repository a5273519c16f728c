// `stigmem serve` as an operator runs it: real processes on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalAsciiBytes } from '../../../src/main/node/json/canonical.js';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';
import { PRODUCT_VERSION } from '../../../src/main/node/version.js';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '../../helpers/process.js';

const SEED = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const PUB = 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg';

describe('stigmem --version', () => {
  it('prints the product and protocol versions, matching package.json', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(PRODUCT_VERSION).toBe(pkg.version);
    expect(r.stdout.trim()).toBe(`stigmem-desktop ${pkg.version} (protocol v0.9.0a10, spec 1.1)`);
  });
});

describe('stigmem serve refuses a bad configuration in one line', () => {
  it.each([
    [{ STIGMEM_PORT: 'abc' }, 'STIGMEM_PORT'],
    [{ STIGMEM_AT_REST_ENCRYPTION: 'on' }, 'STIGMEM_AT_REST_ENCRYPTION'],
    [{ STIGMEM_NODE_PRIVATE_KEY: 'short' }, 'STIGMEM_NODE_PRIVATE_KEY'],
  ])('%j', async (env, name) => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-bad-'));
    const r = await runCli(['serve'], { cwd: dir, env: { STIGMEM_PORT: '0', ...env } });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('Warning') && !l.includes('trace-warnings'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });
});

describe('a running node', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await spawnNode({ STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PRIVKEY: SEED, STIGMEM_FEDERATION_PUBKEY: PUB, STIGMEM_ADMIN_KEY: 'secret-admin-a', STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_FROBNICATE: '1' });
  });
  afterAll(async () => node?.cleanup());

  it('serves the discovery document: reference fields, runbook fields and a verifiable declaration', async () => {
    const res = await fetch(`${node.url}/.well-known/stigmem`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown> & { declaration: Record<string, unknown>; declaration_sig: string; node_id: string; namespaces: string[]; federation_endpoints: unknown };
    expect(doc).toMatchObject({
      version: '1.0', node_url: `http://localhost:${node.port}`, auth: 'required', federation: 'enabled', source_attestation: 'off',
      federation_pubkey: PUB, public_key: PUB, federation_version: '0.5', pull_interval_s: 30, spec_version: '1.1', entity_uri: 'stigmem://org-a.example',
    });
    expect(doc['node_id']).toMatch(/^stigmem:node:[0-9a-f]{32}$/);
    expect(doc['namespaces']).toContain('garden:');
    expect(doc['federation_endpoints']).toEqual({ peers: '/v1/federation/peers', facts: '/v1/federation/facts', push: null });
    expect(Object.keys(doc['declaration']).sort()).toEqual(['allowed_scopes', 'federation_pubkey', 'node_id', 'node_url', 'signed_at']);
    expect(verifyB64(PUB, canonicalAsciiBytes(doc['declaration']), doc['declaration_sig'])).toBe(true);
  });

  it('answers /healthz without credentials and guards /v1 with 401', async () => {
    expect(await (await fetch(`${node.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const r = await fetch(`${node.url}/v1/facts`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(await r.json()).toMatchObject({ detail: 'Authorization header required' });
  });

  it('serves an OpenAPI description at /docs', async () => {
    const r = await fetch(`${node.url}/docs/json`);
    expect(r.status).toBe(200);
    const spec = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain('/.well-known/stigmem');
  });

  it('warns about an unknown STIGMEM_ variable without refusing to start', () => {
    expect(node.stderr()).toContain('unknown variable STIGMEM_FROBNICATE is ignored');
  });
});

describe('restarts', () => {
  it('keep the node id and the generated key; SIGTERM stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-restart-'));
    writeFileSync(join(dir, '.env'), 'STIGMEM_ENTITY_URI=stigmem://from-dotenv.example\n');
    const a = await spawnNode({}, { dir });
    const docA = (await (await fetch(`${a.url}/.well-known/stigmem`)).json()) as Record<string, string>;
    expect(docA['entity_uri']).toBe('stigmem://from-dotenv.example');
    expect(await a.stop('SIGTERM')).toBe(0);
    const b = await spawnNode({ STIGMEM_NODE_ID: 'stigmem:node:changed' }, { dir });
    const docB = (await (await fetch(`${b.url}/.well-known/stigmem`)).json()) as Record<string, string>;
    expect(docB['node_id']).toBe(docA['node_id']);
    expect(docB['public_key']).toBe(docA['public_key']);
    expect(b.stderr()).toContain('is ignored');
    await b.cleanup();
  });

  it('a second serve on the same folder is refused in one line and changes nothing; once the first is killed it starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-twice-'));
    const first = await spawnNode({ STIGMEM_ADMIN_KEY: 'first-admin-key-0123456789abcdef' }, { dir });
    const second = await runCli(['serve'], { cwd: dir, env: { STIGMEM_PORT: '0', STIGMEM_ADMIN_KEY: 'second-admin-key-0123456789abcdef' } });
    expect(second.code).toBe(2);
    const lines = second.stderr.trim().split('\n').filter((l) => !l.includes('Warning') && !l.includes('trace-warnings'));
    expect(lines).toEqual([expect.stringMatching(/^stigmem: a node is already running on .*stigmem\.db \(pid \d+\): stop it first/)]);
    const ask = (key: string) => fetch(`${first.url}/v1/facts`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    expect(await ask('first-admin-key-0123456789abcdef')).toBe(200);
    expect(await ask('second-admin-key-0123456789abcdef')).toBe(401);
    // A crash leaves no lock behind.
    await first.stop('SIGKILL');
    const after = await spawnNode({}, { dir });
    await after.cleanup();
    await first.cleanup();
  });
});

// The address another machine would use to reach this one, if it has one.
const networkAddress = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address ?? null;
if (networkAddress === null) process.stdout.write('[console network test skipped] this machine has no non-loopback IPv4 address\n');

describe.skipIf(networkAddress === null)('a node listening on every address', () => {
  it('serves its API there, and its console only to this machine', async () => {
    const node = await spawnNode({ STIGMEM_HOST: '0.0.0.0', STIGMEM_ADMIN_KEY: 'secret-admin-net' });
    try {
      const port = new URL(node.url).port;
      const call = (host: string, path: string) => fetch(`http://${host}:${port}${path}`, { method: 'POST', headers: { authorization: 'Bearer secret-admin-net', 'content-type': 'application/json' }, body: 'null' });
      expect((await call('127.0.0.1', '/console/api/node:status')).status).toBe(200);
      const remote = await call(networkAddress!, '/console/api/node:status');
      expect(remote.status).toBe(403);
      expect(((await remote.json()) as { code: string }).code).toBe('console_disabled');
      expect((await fetch(`http://${networkAddress}:${port}/healthz`)).status).toBe(200);
    } finally {
      await node.cleanup();
    }
  });
});
