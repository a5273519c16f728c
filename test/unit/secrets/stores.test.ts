// Every SecretStore keeps secrets per account and says where they live without showing them.
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedFileStore } from '../../../src/main/node/secrets/encryptedFile.js';
import { PemFileStore } from '../../../src/main/node/secrets/file.js';
import { identityPemPath, keyFilePath } from '../../../src/main/node/secrets/files.js';
import { MemoryStore } from '../../../src/main/node/secrets/memory.js';
import type { SecretStore } from '../../../src/main/node/secrets/store.js';
import { fakeKeytar } from './fakeKeytar.js';

const NODE = 'stigmem:node:0123456789abcdef0123456789abcdef';
const PASSPHRASE = 'correct horse battery staple';
const dbIn = (): string => join(mkdtempSync(join(tmpdir(), 'stigmem-secrets-')), 'node.db');

const stores: [string, () => SecretStore][] = [
  ['memory', () => new MemoryStore()],
  ['file', () => new PemFileStore(dbIn(), NODE)],
  ['encrypted-file', () => new EncryptedFileStore(dbIn(), NODE, PASSPHRASE)],
  ['keychain (fake keytar)', () => fakeKeytar().store()],
];

describe.each(stores)('%s store', (_name, make) => {
  it('keeps one secret per account, replaces and deletes it', async () => {
    const store = make();
    expect(await store.get(NODE)).toBeNull();
    await store.set(NODE, 'secret-one');
    await store.set(`${NODE}:previous:abc`, 'secret-two');
    expect(await store.get(NODE)).toBe('secret-one');
    expect(await store.get(`${NODE}:previous:abc`)).toBe('secret-two');
    await store.set(NODE, 'secret-three');
    expect(await store.get(NODE)).toBe('secret-three');
    expect(await store.delete(NODE)).toBe(true);
    expect(await store.delete(NODE)).toBe(false);
    expect(await store.get(NODE)).toBeNull();
    expect(await store.get(`${NODE}:previous:abc`)).toBe('secret-two');
  });

  it('describes where a secret lives without the secret, and never serialises one', async () => {
    const store = make();
    await store.set(NODE, 'do-not-show-this');
    expect(store.describe(NODE)).not.toContain('do-not-show-this');
    expect(JSON.stringify(store)).not.toContain('do-not-show-this');
    expect(JSON.stringify(store)).not.toContain(PASSPHRASE);
  });
});

describe('key files beside the database', () => {
  it("keeps the node's own key at <db>.identity.pem, the path nodes started earlier use", () => {
    const db = '/srv/stigmem/node.db';
    expect(identityPemPath(db)).toBe('/srv/stigmem/node.identity.pem');
    expect(new PemFileStore(db, NODE).pathFor(NODE)).toBe('/srv/stigmem/node.identity.pem');
    expect(new PemFileStore(db, NODE).pathFor(`${NODE}:previous:${'ab'.repeat(32)}`)).toBe(`/srv/stigmem/node.identity.previous.${'ab'.repeat(32)}.pem`);
  });

  it('gives unrelated or odd account names their own hashed file name', () => {
    const a = keyFilePath('/x/n.db', NODE, 'someone-else', '.pem');
    const b = keyFilePath('/x/n.db', NODE, `${NODE}:../../etc/passwd`, '.pem');
    expect(a).toMatch(/^\/x\/n\.identity\.account-[0-9a-f]{24}\.pem$/);
    expect(b).toMatch(/^\/x\/n\.identity\.account-[0-9a-f]{24}\.pem$/);
    expect(a).not.toBe(b);
  });

  it('writes files with mode 0600 and leaves no temporary files', async () => {
    const db = dbIn();
    const plain = new PemFileStore(db, NODE);
    const sealed = new EncryptedFileStore(db, NODE, PASSPHRASE);
    await plain.set(NODE, 'plain');
    await plain.set(NODE, 'plain again');
    await sealed.set(NODE, 'sealed');
    expect(statSync(plain.pathFor(NODE)).mode & 0o777).toBe(0o600);
    expect(statSync(sealed.pathFor(NODE)).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(db, '..')).sort()).toEqual(['node.identity.enc.json', 'node.identity.pem']);
  });

  it('reports an unreadable or unwritable key file as a typed error naming the file', async () => {
    const db = dbIn();
    const store = new PemFileStore(db, NODE);
    // A folder where the key file should be: reading fails with EISDIR (root ignores mode bits, so no chmod trick).
    mkdirSync(store.pathFor(NODE));
    await expect(store.get(NODE)).rejects.toMatchObject({ code: 'key_store_io', message: expect.stringContaining(store.pathFor(NODE)) });
    const homeless = new PemFileStore(join(db, '..', 'missing-folder', 'n.db'), NODE);
    await expect(homeless.set(NODE, 'k')).rejects.toMatchObject({ code: 'key_store_io', message: expect.stringContaining('cannot be written (ENOENT)') });
  });
});
