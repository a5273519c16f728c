// The offline key ceremony through the real CLI, with every socket refused: init, backup, restore onto the online node's
// folder, manifest signed offline; then publish to the running node, rotate its key, restart, and check the chain and
// the dual trust of the old key. Where a private unlocked keyring is reachable, init also runs against it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifestBody } from '../../../src/main/node/manifests/input.js';
import { manifestUpdateError } from '../../../src/main/node/manifests/rotation.js';
import { manifestSignatureError } from '../../../src/main/node/manifests/signing.js';
import { REPO_ROOT, runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';
import { realKeyring, type KeytarWithFind } from '../keychain/harness.js';

const ENTITY = 'stigmem://org-a.example';
const BOT = `${ENTITY}/agent/bot`;
const ADMIN = 'ceremony-admin-key-0123456789';
const STORE_PASSPHRASE = 'node B store passphrase 7';
const BACKUP_PASSPHRASE = 'Offline ceremony 2026 - backup';

const work = mkdtempSync(join(tmpdir(), 'stigmem-ceremony-it-'));
const airGapped = join(work, 'air-gapped');
const online = join(work, 'online');
const preload = join(work, 'no-network.cjs');
const passphraseFile = join(work, 'passphrase.txt');
const nodes: NodeProcess[] = [];

// Loaded with --require before the CLI: every way out to the network throws.
const NO_NETWORK = `
const refuse = () => { throw new Error('network access is blocked in this test'); };
const net = require('node:net');
net.connect = refuse; net.createConnection = refuse; net.Socket.prototype.connect = refuse;
require('node:tls').connect = refuse;
require('node:dns').lookup = refuse;
globalThis.fetch = async () => refuse();
require('node:module').syncBuiltinESMExports();
`;

const offline = { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --require ${preload}`.trim() };
const airEnv = { STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: ENTITY, ...offline };
const onlineEnv = { STIGMEM_KEY_STORE: 'encrypted-file', STIGMEM_KEY_PASSPHRASE: STORE_PASSPHRASE, STIGMEM_ENTITY_URI: ENTITY, STIGMEM_ADMIN_KEY: ADMIN };

async function cli(args: string[], cwd: string, env: Record<string, string>) {
  const r = await runCli(args, { cwd, env });
  return { ...r, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
}

async function startOnline(): Promise<NodeProcess> {
  const node = await spawnNode(onlineEnv, { dir: online });
  nodes.push(node);
  return node;
}

const getJson = async (url: string, init?: RequestInit) => (await (await fetch(url, init)).json()) as Record<string, unknown>;
const adminPost = (url: string, body: unknown) => getJson(url, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(() => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-cli.mjs')], { cwd: REPO_ROOT });
  for (const d of [airGapped, online]) execFileSync('mkdir', ['-p', d]);
  writeFileSync(preload, NO_NETWORK);
  writeFileSync(passphraseFile, `${BACKUP_PASSPHRASE}\n`, { mode: 0o600 });
});

afterAll(async () => {
  for (const n of nodes) await n.stop('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('the offline ceremony, end to end through the CLI', () => {
  let identity: Record<string, unknown>;
  let manifestPath: string;
  let tokenJson: string;

  it('the network block is real: a fetch under it fails without reaching anything', () => {
    const probe = execFileSync(process.execPath, ['-e', 'fetch("http://127.0.0.1:9").then(()=>console.log("reached"),(e)=>console.log(e.message))'], { env: { ...process.env, ...offline } }).toString();
    expect(probe).toContain('network access is blocked');
  });

  it('init generates the key on the air-gapped folder and prints its public facts', async () => {
    const r = await cli(['ceremony', 'init', '--json'], airGapped, airEnv);
    expect(r.code, r.stderr).toBe(0);
    identity = r.json();
    expect(identity).toMatchObject({ keyStore: 'file', entityUri: ENTITY, nodeId: expect.stringMatching(/^stigmem:node:[0-9a-f]{32}$/) });
    expect(identity['keyId']).toMatch(/^[0-9a-f]{64}$/);
    expect(identity['approvalFingerprint']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(readFileSync(join(airGapped, 'identity-qr.svg'), 'utf8')).toContain('<svg');
    expect(statSync(join(airGapped, 'identity-qr.png')).size).toBeGreaterThan(100);
    const again = await cli(['ceremony', 'init'], airGapped, airEnv);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[identity_exists]');
    const human = await cli(['ceremony', 'init'], mkdtempSync(join(work, 'human-')), airEnv);
    expect(human.stdout).toMatch(/fingerprint\s+([0-9A-F]{4}-){7}[0-9A-F]{4}/);
  });

  it('backup refuses weak or missing passphrases, then writes a verified 0600 file', async () => {
    const out = join(airGapped, 'org-key.backup');
    writeFileSync(join(work, 'weak.txt'), 'password1234\n');
    const weak = await cli(['ceremony', 'backup', '--out', out, '--passphrase-file', join(work, 'weak.txt')], airGapped, airEnv);
    expect([weak.code, weak.stderr]).toEqual([2, expect.stringContaining('[passphrase_too_weak]')]);
    // A device that never ends is refused once it passes the bound, not read forever.
    const endless = await cli(['ceremony', 'backup', '--out', out, '--passphrase-file', '/dev/zero'], airGapped, airEnv);
    expect([endless.code, endless.stderr]).toEqual([2, expect.stringContaining('/dev/zero is larger than')]);
    const none = await cli(['ceremony', 'backup', '--out', out], airGapped, airEnv);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('[passphrase_missing]')]);
    const r = await cli(['ceremony', 'backup', '--out', out, '--passphrase-file', passphraseFile, '--json'], airGapped, airEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ path: out, publicKey: identity['publicKey'] });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const twice = await cli(['ceremony', 'backup', '--out', out, '--passphrase-file', passphraseFile], airGapped, airEnv);
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('[file_exists]')]);
  });

  it('restore puts the key into the online folder\'s encrypted store under the same node id', async () => {
    const r = await cli(['ceremony', 'restore', join(airGapped, 'org-key.backup'), '--passphrase-file', passphraseFile, '--json'], online, { ...onlineEnv, ...offline });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ nodeId: identity['nodeId'], publicKey: identity['publicKey'], keyStore: 'encrypted-file', isNewIdentity: true });
    expect(readdirSync(online)).toContain('stigmem.identity.enc.json');
  });

  it('manifest sign works offline and writes a PUT-ready file', async () => {
    manifestPath = join(airGapped, 'manifest.json');
    const r = await cli(['manifest', 'sign', '--entity', ENTITY, '--entities', `${ENTITY},${BOT}`, '--expires', '+365d', '--out', manifestPath, '--json'], airGapped, airEnv);
    expect(r.code, r.stderr).toBe(0);
    const file = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ manifest_version: 1, entity_uri: ENTITY, entities: [ENTITY, BOT], key_id: identity['keyId'], public_key: identity['publicKey'] });
    expect(manifestSignatureError(parseManifestBody(file))).toBeNull();
  });

  it('the ceremony record verifies, and an altered copy does not', async () => {
    const record = join(airGapped, 'ceremony-record.jsonl');
    const r = await cli(['ceremony', 'verify-record', record, '--public-key', identity['publicKey'] as string, '--json'], work, offline);
    expect(r.code, r.stderr).toBe(0);
    expect((r.json()['steps'] as { step: string }[]).map((s) => s.step)).toEqual(['init', 'backup', 'manifest_sign']);
    const text = readFileSync(record, 'utf8');
    expect(text).not.toContain(BACKUP_PASSPHRASE);
    const altered = join(work, 'altered.jsonl');
    writeFileSync(altered, text.replace(`"entity_uri":"${ENTITY}"`, '"entity_uri":"stigmem://evil.example"'));
    const bad = await cli(['ceremony', 'verify-record', altered], work, offline);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('[record_invalid]')]);
    // A pinned key that is not a key is the command line's mistake, not the record's.
    const notAKey = await cli(['ceremony', 'verify-record', record, '--public-key', 'abc'], work, offline);
    expect([notAKey.code, notAKey.stderr]).toEqual([2, expect.stringContaining('must be an Ed25519 public key')]);
  });

  it('publish puts the offline manifest on the running node, which then serves it', async () => {
    const node = await startOnline();
    expect((await getJson(`${node.url}/.well-known/stigmem`))['public_key']).toBe(identity['publicKey']);
    const blocked = await cli(['manifest', 'publish', manifestPath, '--url', node.url], work, { STIGMEM_ADMIN_KEY: ADMIN, ...offline });
    expect([blocked.code, blocked.stderr]).toEqual([1, expect.stringContaining('network access is blocked')]);
    const r = await cli(['manifest', 'publish', manifestPath, '--url', node.url], work, { STIGMEM_ADMIN_KEY: ADMIN });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"log_entry"');
    const served = await getJson(`${node.url}/v1/federation/manifest/${encodeURIComponent(ENTITY)}`);
    expect(served['signature']).toBe((JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>)['signature']);
    const issued = await adminPost(`${node.url}/v1/federation/capability-tokens`, { issuer: ENTITY, subject: BOT, verb: 'write', object: 'stigmem://facts', ttl_seconds: 86_400 });
    tokenJson = issued['token_json'] as string;
    expect(typeof tokenJson).toBe('string');
    expect(await node.stop()).toBe(0);
  });

  it('rotate-key on the stopped node: it restarts with the new key, the same id, a chained manifest, and still trusts the old key', async () => {
    const r = await cli(['identity', 'rotate-key', '--json'], online, { ...onlineEnv, ...offline });
    expect(r.code, r.stderr).toBe(0);
    const rotation = r.json() as { current: { publicKey: string; keyId: string }; dualTrustDays: number };
    expect(rotation.dualTrustDays).toBe(90);
    const node = await startOnline();
    const wellKnown = await getJson(`${node.url}/.well-known/stigmem`);
    expect([wellKnown['node_id'], wellKnown['public_key']]).toEqual([identity['nodeId'], rotation.current.publicKey]);
    const served = await getJson(`${node.url}/v1/federation/manifest/${encodeURIComponent(ENTITY)}`);
    const input = parseManifestBody(served);
    expect(input.key_id).toBe(rotation.current.keyId);
    expect(manifestSignatureError(input)).toBeNull();
    expect(manifestUpdateError(input, { key_id: identity['keyId'] as string, public_key: identity['publicKey'] as string })).toBeNull();
    expect(await adminPost(`${node.url}/v1/federation/capability-tokens/verify`, { token_json: tokenJson })).toEqual({ valid: true });
    const short = await cli(['identity', 'rotate-key', '--dual-trust-days', '30'], online, onlineEnv);
    expect([short.code, short.stderr]).toEqual([2, expect.stringContaining('[dual_trust_too_short]')]);
    // The node is running on this folder: neither a rotation nor a restore may change its key underneath it.
    const whileRunning = await cli(['identity', 'rotate-key'], online, onlineEnv);
    expect([whileRunning.code, whileRunning.stderr]).toEqual([2, expect.stringContaining('[node_running]')]);
    const restoreWhileRunning = await cli(['ceremony', 'restore', join(airGapped, 'org-key.backup'), '--passphrase-file', passphraseFile, '--force'], online, onlineEnv);
    expect([restoreWhileRunning.code, restoreWhileRunning.stderr]).toEqual([2, expect.stringContaining('[node_running]')]);
    expect((await getJson(`${node.url}/.well-known/stigmem`))['public_key']).toBe(rotation.current.publicKey);
  });
});

const ring = await realKeyring();
if (ring.skip) process.stdout.write(`[ceremony keychain test skipped] ${ring.skip}\n`);

describe.skipIf(ring.skip !== null)('ceremony init with the OS keychain (no key configured)', () => {
  const keytar = ring.keytar as KeytarWithFind;
  const folder = join(work, 'keychain');
  let nodeId = '';
  afterAll(async () => {
    if (nodeId) await keytar.deletePassword('stigmem-desktop', nodeId);
  });

  it('keeps the key only in the keychain, backs it up offline, and the node starts with it', async () => {
    execFileSync('mkdir', ['-p', folder]);
    const env = { STIGMEM_ENTITY_URI: ENTITY, ...offline };
    const r = await cli(['ceremony', 'init', '--json'], folder, env);
    expect(r.code, r.stderr).toBe(0);
    const v = r.json();
    nodeId = v['nodeId'] as string;
    expect(v['keyStore']).toBe('keychain');
    expect(await keytar.getPassword('stigmem-desktop', nodeId)).toContain('BEGIN PRIVATE KEY');
    expect(readdirSync(folder).filter((n) => n.includes('.identity'))).toEqual([]);
    const backup = await cli(['ceremony', 'backup', '--out', join(folder, 'org.backup'), '--passphrase-file', passphraseFile], folder, env);
    expect(backup.code, backup.stderr).toBe(0);
    const node = await spawnNode({ STIGMEM_KEY_STORE: 'auto', STIGMEM_ENTITY_URI: ENTITY }, { dir: folder });
    nodes.push(node);
    expect((await getJson(`${node.url}/.well-known/stigmem`))['public_key']).toBe(v['publicKey']);
    expect(node.stderr()).toContain('identity key: OS keychain');
  });
});
