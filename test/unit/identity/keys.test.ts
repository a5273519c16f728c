import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/main/node/config/env.js';
import { generatedKeyPath, loadNodeKeys } from '../../../src/main/node/identity/keys.js';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { resolveNodeId } from '../../../src/main/node/meta.js';
import type { WriteDb } from '../../../src/main/node/db/sql.js';
import { makeTestNode } from '../../helpers/inject.js';

const SEED = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const PUB = 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg';
const tmp = () => mkdtempSync(join(tmpdir(), 'stigmem-keys-'));
const dbs: WriteDb[] = [];
/** The node's database: loadNodeKeys reads and records the node id and key store there. */
const dbFor = (dbPath: string): WriteDb => {
  const db = openDatabase(dbPath);
  dbs.push(db);
  return db;
};
afterAll(() => dbs.forEach((db) => db.raw.close()));

describe('identity key sources', () => {
  it('uses the federation pair from the environment, accepting the padded form the runbook prints', async () => {
    const { config } = loadConfig({ STIGMEM_FEDERATION_PRIVKEY: SEED + '=', STIGMEM_FEDERATION_PUBKEY: PUB + '=', STIGMEM_DB_PATH: join(tmp(), 'n.db') });
    const keys = await loadNodeKeys(config, dbFor(config.dbPath));
    expect(keys.federation.publicKey).toBe(PUB);
    expect(keys.org.publicKey).toBe(PUB);
    expect(keys.isSplit).toBe(false);
  });

  it('refuses a federation pair whose halves do not belong together', async () => {
    const { config } = loadConfig({ STIGMEM_FEDERATION_PRIVKEY: SEED, STIGMEM_FEDERATION_PUBKEY: 'B'.repeat(43), STIGMEM_DB_PATH: join(tmp(), 'n.db') });
    await expect(loadNodeKeys(config, dbFor(config.dbPath))).rejects.toThrow(ConfigError);
  });

  it('reads the PKCS#8 PEM that openssl genpkey writes (the tutorial step 1)', async () => {
    const dir = tmp();
    const pem = join(dir, 'signing.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'Ed25519', '-out', pem]);
    const der = execFileSync('openssl', ['pkey', '-in', pem, '-pubout', '-outform', 'DER']);
    const orgPub = der.subarray(-32).toString('base64url');
    const { config } = loadConfig({ STIGMEM_NODE_PRIVATE_KEY_FILE: pem, STIGMEM_DB_PATH: join(dir, 'n.db') });
    const keys = await loadNodeKeys(config, dbFor(config.dbPath));
    expect(keys.org.publicKey).toBe(orgPub);
    expect(keys.federation.publicKey).toBe(orgPub);
  });

  it('splits federation and org keys when both are configured', async () => {
    const dir = tmp();
    const pem = join(dir, 'signing.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'Ed25519', '-out', pem]);
    const { config } = loadConfig({ STIGMEM_NODE_PRIVATE_KEY_FILE: pem, STIGMEM_FEDERATION_PRIVKEY: SEED, STIGMEM_FEDERATION_PUBKEY: PUB, STIGMEM_DB_PATH: join(dir, 'n.db') });
    const keys = await loadNodeKeys(config, dbFor(config.dbPath));
    expect(keys.federation.publicKey).toBe(PUB);
    expect(keys.org.publicKey).not.toBe(PUB);
    expect(keys.isSplit).toBe(true);
  });

  it('names each key id beside its key in the discovery document when the keys are split', async () => {
    const dir = tmp();
    const pem = join(dir, 'signing.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'Ed25519', '-out', pem]);
    const node = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY_FILE: pem, STIGMEM_FEDERATION_PRIVKEY: SEED, STIGMEM_FEDERATION_PUBKEY: PUB, STIGMEM_KEY_STORE: 'auto' });
    try {
      const doc = (await node.req('GET', '/.well-known/stigmem', undefined, false)).body as Record<string, string>;
      const { federation, org } = node.deps.keys;
      expect([doc['public_key'], doc['key_id'], doc['org_public_key'], doc['org_key_id']]).toEqual([PUB, federation.keyId, org.publicKey, org.keyId]);
      expect(federation.keyId).not.toBe(org.keyId);
    } finally {
      await node.close();
    }
  });

  it('explains an unreadable or wrong PEM file in one line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.key'), 'not a key');
    const db = dbFor(join(dir, 'n.db'));
    await expect(loadNodeKeys(loadConfig({ STIGMEM_NODE_PRIVATE_KEY_FILE: join(dir, 'bad.key'), STIGMEM_DB_PATH: join(dir, 'n.db') }).config, db)).rejects.toThrow(/STIGMEM_NODE_PRIVATE_KEY_FILE/);
    await expect(loadNodeKeys(loadConfig({ STIGMEM_NODE_PRIVATE_KEY_FILE: join(dir, 'missing.key'), STIGMEM_DB_PATH: join(dir, 'n.db') }).config, db)).rejects.toThrow(/cannot be read: ENOENT/);
  });

  it('generates a key into a 0600 file beside the database once, and reuses it', async () => {
    const dir = tmp();
    const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'n.db'), STIGMEM_KEY_STORE: 'file' });
    const db = dbFor(config.dbPath);
    const first = await loadNodeKeys(config, db);
    expect(first.notices.join()).toContain('generated a new identity key');
    const path = generatedKeyPath(config.dbPath);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain('BEGIN PRIVATE KEY');
    const second = await loadNodeKeys(config, db);
    expect(second.org.publicKey).toBe(first.org.publicKey);
    expect(second.notices).toEqual([]);
  });

  it('never serialises the private key through a signer', async () => {
    const { config } = loadConfig({ STIGMEM_NODE_PRIVATE_KEY: SEED, STIGMEM_DB_PATH: join(tmp(), 'n.db') });
    const keys = await loadNodeKeys(config, dbFor(config.dbPath));
    const text = JSON.stringify(keys) + String(keys.org) + Object.keys(keys.org).join();
    expect(text).not.toContain(SEED);
    expect(text).not.toContain(Buffer.from(SEED, 'base64url').toString('hex'));
  });
});

describe('node id', () => {
  it('derives from the key, persists, and ignores a later STIGMEM_NODE_ID with a warning', () => {
    const db = openDatabase(join(tmp(), 'n.db'));
    const pub = Buffer.from(PUB, 'base64url');
    const a = resolveNodeId(db, null, pub);
    expect(a.nodeId).toMatch(/^stigmem:node:[0-9a-f]{32}$/);
    const b = resolveNodeId(db, 'stigmem:node:other', pub);
    expect(b.nodeId).toBe(a.nodeId);
    expect(b.warning).toContain('is ignored');
    db.raw.close();
  });

  it('takes STIGMEM_NODE_ID at first start', () => {
    const db = openDatabase(join(tmp(), 'n.db'));
    expect(resolveNodeId(db, 'stigmem:node:fixed', Buffer.alloc(32)).nodeId).toBe('stigmem:node:fixed');
    db.raw.close();
  });
});
