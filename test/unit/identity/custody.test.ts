// The node's own key: generated at first start into the store STIGMEM_KEY_STORE picks, recorded, and read from there after.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/main/node/config/env.js';
import { pkcs8PemFromSeed, seedFromPkcs8Pem } from '../../../src/main/node/crypto/ed25519.js';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import type { WriteDb } from '../../../src/main/node/db/sql.js';
import { generatedKeyPath, loadNodeKeys, openRecordedKeyStore, type KeyLoadOptions } from '../../../src/main/node/identity/keys.js';
import { getMeta, setMeta } from '../../../src/main/node/meta.js';
import { createNode } from '../../../src/main/node/runtime.js';
import { SHIPPED_KEY_PASSPHRASE_PLACEHOLDER } from '../../../src/main/node/secrets/encryptedFile.js';
import { openSecret, sealSecret } from '../../../src/main/node/secrets/envelope.js';
import { loadSigner } from '../../../src/main/node/secrets/identityKeys.js';
import { REPO_ROOT } from '../../helpers/process.js';
import { fakeKeytar, LOCKED, NO_DBUS } from '../secrets/fakeKeytar.js';

const SERVICE = 'stigmem-desktop-test';
const PASSPHRASE = 'a long enough passphrase';
const dbs: WriteDb[] = [];
afterAll(() => dbs.forEach((db) => db.raw.open && db.raw.close()));

function nodeFolder(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-custody-'));
  const config = (more: Record<string, string> = {}) => loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), ...env, ...more }).config;
  const db = openDatabase(join(dir, 'node.db'));
  dbs.push(db);
  return { dir, db, config, files: () => readdirSync(dir).filter((f) => f.includes('identity')) };
}

const itemOf = (fake: ReturnType<typeof fakeKeytar>, account: string): string | undefined => fake.items.get(`${SERVICE}\u0000${account}`);

describe('STIGMEM_KEY_STORE=auto (the default)', () => {
  it('generates the key into the keychain under the node id, records it, and reads it back on restart', async () => {
    const fake = fakeKeytar(SERVICE);
    const node = nodeFolder();
    const opts: KeyLoadOptions = { keychain: fake.store() };
    const first = await loadNodeKeys(node.config(), node.db, opts);
    expect(first.nodeId).toMatch(/^stigmem:node:[0-9a-f]{32}$/);
    expect(itemOf(fake, first.nodeId)).toContain('BEGIN PRIVATE KEY');
    expect(getMeta(node.db, 'key_store')).toBe('keychain');
    expect(first.keyCustody).toMatchObject({ backend: 'keychain', requested: 'auto', isFallback: false, fallbackReason: null });
    expect(first.keyCustody.location).toContain(`account ${first.nodeId}`);
    expect(first.notices.join('\n')).toContain('generated a new identity key in OS keychain');
    expect(node.files()).toEqual([]);
    const second = await loadNodeKeys(node.config(), node.db, opts);
    expect(second.nodeId).toBe(first.nodeId);
    expect(second.org.publicKey).toBe(first.org.publicKey);
    expect(second.notices).toEqual([]);
  });

  it.each([
    ['a locked keyring', (f: ReturnType<typeof fakeKeytar>) => (f.failWrites = LOCKED), 'the OS keychain is locked'],
    ['no D-Bus', (f: ReturnType<typeof fakeKeytar>) => (f.failAll = NO_DBUS), 'no D-Bus session bus'],
    ['a hung prompt', (f: ReturnType<typeof fakeKeytar>) => (f.isHung = true), 'did not answer within'],
  ])('falls back to the 0600 PEM file with %s, announcing the file and the reason', async (_case, breakIt, reason) => {
    const fake = fakeKeytar(SERVICE);
    breakIt(fake);
    const node = nodeFolder();
    const keys = await loadNodeKeys(node.config(), node.db, { keychain: fake.store(30) });
    const path = generatedKeyPath(node.config().dbPath);
    const notice = keys.notices.find((n) => n.includes(reason));
    expect(notice).toContain(path);
    expect(keys.keyCustody).toMatchObject({ backend: 'file', isFallback: true, fallbackReason: expect.stringContaining(reason) });
    expect(getMeta(node.db, 'key_store')).toBe('file');
    expect(node.files()).toEqual(['node.identity.pem']);
    // The keychain answering later does not move the key: the file is where it lives, and that is still shown.
    const again = await loadNodeKeys(node.config(), node.db, { keychain: fakeKeytar(SERVICE).store() });
    expect(again.org.publicKey).toBe(keys.org.publicKey);
    expect(again.keyCustody).toMatchObject({ backend: 'file', isFallback: true });
  });

  it('asks before falling back, and a refusal leaves nothing behind', async () => {
    const fake = fakeKeytar(SERVICE);
    fake.failWrites = LOCKED;
    const node = nodeFolder();
    const asked: string[] = [];
    const opts: KeyLoadOptions = { keychain: fake.store(), confirmFallback: ({ error, location }) => (asked.push(`${error.code} ${location}`), false) };
    await expect(loadNodeKeys(node.config(), node.db, opts)).rejects.toMatchObject({ code: 'keychain_locked' });
    expect(asked).toEqual([`keychain_locked key file ${generatedKeyPath(node.config().dbPath)} (mode 0600)`]);
    expect(getMeta(node.db, 'node_id')).toBeNull();
    expect(getMeta(node.db, 'key_store')).toBeNull();
    expect(node.files()).toEqual([]);
  });
});

describe('STIGMEM_KEY_STORE=keychain', () => {
  it('refuses to start without a keychain, in one line that says what to do', async () => {
    const fake = fakeKeytar(SERVICE);
    fake.failWrites = LOCKED;
    const node = nodeFolder({ STIGMEM_KEY_STORE: 'keychain' });
    const error = await loadNodeKeys(node.config(), node.db, { keychain: fake.store() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'keychain_locked', message: 'the OS keychain is locked (or has no login keyring); unlock it or start with STIGMEM_KEY_STORE=file' });
    expect(getMeta(node.db, 'node_id')).toBeNull();
    expect(node.files()).toEqual([]);
  });

  it('names the keychain account after STIGMEM_NODE_ID at first start', async () => {
    const fake = fakeKeytar(SERVICE);
    const node = nodeFolder({ STIGMEM_KEY_STORE: 'keychain', STIGMEM_NODE_ID: 'stigmem:node:fixed' });
    const keys = await loadNodeKeys(node.config(), node.db, { keychain: fake.store() });
    expect(keys.nodeId).toBe('stigmem:node:fixed');
    expect(itemOf(fake, 'stigmem:node:fixed')).toContain('BEGIN PRIVATE KEY');
  });

  it('never overwrites a key already kept for that node id: it uses it', async () => {
    const fake = fakeKeytar(SERVICE);
    const first = nodeFolder({ STIGMEM_NODE_ID: 'stigmem:node:fixed' });
    const original = await loadNodeKeys(first.config(), first.db, { keychain: fake.store() });
    const rebuilt = nodeFolder({ STIGMEM_NODE_ID: 'stigmem:node:fixed' });
    const keys = await loadNodeKeys(rebuilt.config(), rebuilt.db, { keychain: fake.store() });
    expect(keys.org.publicKey).toBe(original.org.publicKey);
    expect(keys.notices.join()).toContain('found an existing identity key for stigmem:node:fixed');
  });
});

describe('a later start reads the recorded store and only that one', () => {
  async function startedInKeychain() {
    const fake = fakeKeytar(SERVICE);
    const node = nodeFolder();
    const keys = await loadNodeKeys(node.config(), node.db, { keychain: fake.store() });
    return { fake, node, keys };
  }

  it.each([
    ['locked', (f: ReturnType<typeof fakeKeytar>) => (f.failAll = LOCKED), 'keychain_locked', 'unlock it and start again'],
    ['unreachable', (f: ReturnType<typeof fakeKeytar>) => (f.failAll = NO_DBUS), 'keychain_unavailable', 'make it reachable'],
    ['hung', (f: ReturnType<typeof fakeKeytar>) => (f.isHung = true), 'keychain_timeout', 'unlock it'],
  ])('refuses to start when the keychain is %s, instead of making a new identity', async (_case, breakIt, code, remedy) => {
    const { fake, node, keys } = await startedInKeychain();
    breakIt(fake);
    const error = await loadNodeKeys(node.config(), node.db, { keychain: fake.store(30) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(`this node's identity key is kept in OS keychain`);
    expect((error as Error).message).toContain(remedy);
    expect((error as Error).message).toContain('will not create a new identity');
    expect(getMeta(node.db, 'node_id')).toBe(keys.nodeId);
    expect(node.files()).toEqual([]);
  });

  it('refuses to start when the keychain item is gone', async () => {
    const { fake, node, keys } = await startedInKeychain();
    fake.items.clear();
    await expect(loadNodeKeys(node.config(), node.db, { keychain: fake.store() })).rejects.toMatchObject({ code: 'key_missing', message: expect.stringContaining(`account ${keys.nodeId}`) });
    expect(fake.items.size).toBe(0);
    expect(node.files()).toEqual([]);
  });

  it('ignores a changed STIGMEM_KEY_STORE with a notice (moving a key is a ceremony, not a restart)', async () => {
    const { fake, node, keys } = await startedInKeychain();
    const again = await loadNodeKeys(node.config({ STIGMEM_KEY_STORE: 'file' }), node.db, { keychain: fake.store() });
    expect(again.org.publicKey).toBe(keys.org.publicKey);
    expect(again.notices.join()).toContain('STIGMEM_KEY_STORE=file is ignored');
    expect(node.files()).toEqual([]);
  });

  it('lets a configured key take precedence, saying the stored one is left alone', async () => {
    const { fake, node, keys } = await startedInKeychain();
    const env = await loadNodeKeys(node.config({ STIGMEM_NODE_PRIVATE_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' }), node.db, { keychain: fake.store() });
    expect(env.keyCustody).toMatchObject({ backend: 'environment', isFallback: false });
    expect(env.nodeId).toBe(keys.nodeId);
    expect(env.notices.join()).toContain('left as it is');
    expect(itemOf(fake, keys.nodeId)).toBeDefined();
  });

  it('refuses an unknown recorded store rather than starting a new identity', async () => {
    const { node } = await startedInKeychain();
    setMeta(node.db, 'key_store', 'floppy');
    await expect(loadNodeKeys(node.config(), node.db)).rejects.toThrow(/unknown key store "floppy"/);
  });

  it('hands the ceremony the recorded store and account', async () => {
    const { fake, node, keys } = await startedInKeychain();
    const opened = openRecordedKeyStore(node.config(), node.db, { keychain: fake.store() })!;
    expect(opened.account).toBe(keys.nodeId);
    expect((await loadSigner(opened.store, opened.account))?.publicKey).toBe(keys.org.publicKey);
  });
});

describe('STIGMEM_KEY_STORE=encrypted-file', () => {
  it.each([
    [{}, 'passphrase_missing'],
    [{ STIGMEM_KEY_PASSPHRASE: '' }, 'passphrase_missing'],
    [{ STIGMEM_KEY_PASSPHRASE: 'too short' }, 'passphrase_too_short'],
  ])('refuses to start with %j', async (env, code) => {
    const node = nodeFolder({ STIGMEM_KEY_STORE: 'encrypted-file', ...env });
    await expect(loadNodeKeys(node.config(), node.db)).rejects.toMatchObject({ code });
    expect(getMeta(node.db, 'node_id')).toBeNull();
    expect(node.files()).toEqual([]);
  });

  it('keeps the key sealed beside the database and needs the same passphrase after', async () => {
    const node = nodeFolder({ STIGMEM_KEY_STORE: 'encrypted-file', STIGMEM_KEY_PASSPHRASE: PASSPHRASE });
    const first = await loadNodeKeys(node.config(), node.db);
    expect(node.files()).toEqual(['node.identity.enc.json']);
    expect(readFileSync(join(node.dir, 'node.identity.enc.json'), 'utf8')).not.toContain('PRIVATE KEY');
    expect(first.keyCustody).toMatchObject({ backend: 'encrypted-file', isFallback: false });
    expect((await loadNodeKeys(node.config(), node.db)).org.publicKey).toBe(first.org.publicKey);
    await expect(loadNodeKeys(node.config({ STIGMEM_KEY_PASSPHRASE: 'another passphrase!' }), node.db)).rejects.toMatchObject({ code: 'passphrase_wrong' });
    await expect(loadNodeKeys(node.config({ STIGMEM_KEY_STORE: 'auto', STIGMEM_KEY_PASSPHRASE: '' }), node.db)).rejects.toMatchObject({ code: 'passphrase_missing' });
  });
});

describe('a key file sealed under the server settings file\'s placeholder passphrase, as nodes ran on it before refusing it', () => {
  it('is sealed again under the passphrase set in its place, keeping the key, and said so once', async () => {
    const node = nodeFolder({ STIGMEM_KEY_STORE: 'encrypted-file', STIGMEM_KEY_PASSPHRASE: PASSPHRASE });
    const first = await loadNodeKeys(node.config(), node.db);
    const path = join(node.dir, 'node.identity.enc.json');
    // What such a node wrote: its key, sealed under the placeholder.
    writeFileSync(path, await sealSecret((await openSecret(readFileSync(path, 'utf8'), PASSPHRASE, path)), SHIPPED_KEY_PASSPHRASE_PLACEHOLDER));
    expect(() => loadConfig({ STIGMEM_KEY_PASSPHRASE: SHIPPED_KEY_PASSPHRASE_PLACEHOLDER })).toThrow(/placeholder .*sealed again under it at the next start/);
    const own = 'Seven quiet Otters 1984 swim';
    const keys = await loadNodeKeys(node.config({ STIGMEM_KEY_PASSPHRASE: own }), node.db);
    expect(keys.org.publicKey).toBe(first.org.publicKey);
    expect(keys.notices).toEqual([`${path} was sealed under the settings file's placeholder passphrase; it is now sealed under STIGMEM_KEY_PASSPHRASE`]);
    await expect(openSecret(readFileSync(path, 'utf8'), SHIPPED_KEY_PASSPHRASE_PLACEHOLDER, path)).rejects.toMatchObject({ code: 'passphrase_wrong' });
    expect((await loadNodeKeys(node.config({ STIGMEM_KEY_PASSPHRASE: own }), node.db)).notices).toEqual([]);
    await expect(loadNodeKeys(node.config({ STIGMEM_KEY_PASSPHRASE: 'another passphrase!' }), node.db)).rejects.toMatchObject({ code: 'passphrase_wrong' });
  });

  it('is the placeholder the shipped settings file holds', () => {
    expect(readFileSync(join(REPO_ROOT, 'resources/systemd/stigmem.env'), 'utf8')).toContain(`\nSTIGMEM_KEY_PASSPHRASE=${SHIPPED_KEY_PASSPHRASE_PLACEHOLDER}\n`);
  });
});

describe('nodes started before key stores were recorded', () => {
  it('keep their <db>.identity.pem and node id, now recorded as the file store', async () => {
    const node = nodeFolder();
    setMeta(node.db, 'node_id', 'stigmem:node:older');
    const seed = Buffer.alloc(32, 7);
    writeFileSync(generatedKeyPath(node.config().dbPath), pkcs8PemFromSeed(seed), { mode: 0o600 });
    const fake = fakeKeytar(SERVICE);
    const keys = await loadNodeKeys(node.config(), node.db, { keychain: fake.store() });
    expect(keys.nodeId).toBe('stigmem:node:older');
    expect(Buffer.from(seedFromPkcs8Pem(readFileSync(generatedKeyPath(node.config().dbPath), 'utf8')))).toEqual(seed);
    expect(keys.keyCustody.backend).toBe('file');
    expect(getMeta(node.db, 'key_store')).toBe('file');
    expect(fake.items.size).toBe(0);
  });
});

describe('createNode', () => {
  it('opens the database first, keeps the key out of it, and shows custody without secrets', async () => {
    const fake = fakeKeytar(SERVICE);
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-custody-node-'));
    const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_ADMIN_KEY: 'admin-key-0123456789' });
    const { deps, app, notices } = await createNode(config, { keys: { keychain: fake.store() } });
    expect(deps.nodeId).toBe(deps.keys.nodeId);
    expect(deps.keys.keyCustody.backend).toBe('keychain');
    expect(notices.join('\n')).toContain('identity key: OS keychain');
    const pem = itemOf(fake, deps.nodeId)!;
    const seed = Buffer.from(seedFromPkcs8Pem(pem));
    const forms = [seed, Buffer.from(seed.toString('hex')), Buffer.from(seed.toString('base64')), Buffer.from(seed.toString('base64url')), Buffer.from(pem.split('\n')[1]!)];
    const shown = Buffer.from(JSON.stringify(deps.keys) + notices.join('\n') + (await app.inject({ method: 'GET', url: '/.well-known/stigmem' })).body);
    await app.close();
    deps.db.raw.close();
    for (const file of readdirSync(dir).map((f) => join(dir, f))) {
      const bytes = readFileSync(file);
      for (const form of forms) expect(bytes.includes(form), `${file} holds the key`).toBe(false);
    }
    for (const form of forms) expect(shown.includes(form)).toBe(false);
    expect(existsSync(generatedKeyPath(config.dbPath))).toBe(false);
  });

  it('uses an in-memory key for an in-memory database', async () => {
    // loadConfig resolves STIGMEM_DB_PATH to an absolute path, so only code (tests, the app) passes ':memory:' itself.
    const config = { ...loadConfig({}).config, dbPath: ':memory:' };
    const db = openDatabase(':memory:');
    dbs.push(db);
    const keys = await loadNodeKeys(config, db);
    expect(keys.keyCustody.backend).toBe('memory');
    expect(keys.notices.join()).toContain('in-memory identity key');
  });
});
