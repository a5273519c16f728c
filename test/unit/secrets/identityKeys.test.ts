// Store operations the key ceremony uses: generate, sealed export and import, rotation with the previous key kept.
import { describe, expect, it } from 'vitest';
import { pkcs8PemFromSeed, verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { exportEncryptedBackup, generateIdentityKey, importEncryptedBackup, loadSigner, previousAccountFor, replaceKey } from '../../../src/main/node/secrets/identityKeys.js';
import { MemoryStore } from '../../../src/main/node/secrets/memory.js';

const ACCOUNT = 'stigmem:node:00112233445566778899aabbccddeeff';
const PASSPHRASE = 'backup passphrase 2024';
const SEED = Buffer.from('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', 'base64url');

describe('identity keys in a store', () => {
  it('generates a key once and refuses to overwrite it', async () => {
    const store = new MemoryStore();
    const signer = await generateIdentityKey(store, ACCOUNT);
    expect((await loadSigner(store, ACCOUNT))?.publicKey).toBe(signer.publicKey);
    expect(await store.get(ACCOUNT)).toContain('BEGIN PRIVATE KEY');
    await expect(generateIdentityKey(store, ACCOUNT)).rejects.toMatchObject({ code: 'key_exists' });
    expect((await loadSigner(store, ACCOUNT))?.publicKey).toBe(signer.publicKey);
    const msg = new TextEncoder().encode('hello');
    expect(verifyB64(signer.publicKey, msg, signer.signB64(msg))).toBe(true);
  });

  it('reports a damaged stored key as key_store_damaged', async () => {
    const store = new MemoryStore();
    await store.set(ACCOUNT, 'garbage');
    await expect(loadSigner(store, ACCOUNT)).rejects.toMatchObject({ code: 'key_store_damaged' });
  });

  it('exports only a sealed backup, which imports into another store as the same key', async () => {
    const store = new MemoryStore();
    await store.set(ACCOUNT, pkcs8PemFromSeed(SEED));
    const backup = await exportEncryptedBackup(store, ACCOUNT, PASSPHRASE);
    expect(backup).not.toContain(SEED.toString('base64url'));
    expect(backup).not.toContain(SEED.toString('hex'));
    expect(backup).not.toContain(pkcs8PemFromSeed(SEED).split('\n')[1]);
    const other = new MemoryStore();
    const imported = await importEncryptedBackup(other, ACCOUNT, backup, PASSPHRASE);
    expect(imported.publicKey).toBe((await loadSigner(store, ACCOUNT))?.publicKey);
    expect((await importEncryptedBackup(other, ACCOUNT, backup, PASSPHRASE)).publicKey).toBe(imported.publicKey);
    await expect(importEncryptedBackup(other, ACCOUNT, backup, 'not the passphrase')).rejects.toMatchObject({ code: 'passphrase_wrong' });
  });

  it('refuses a short backup passphrase and an export of nothing', async () => {
    const store = new MemoryStore();
    await expect(exportEncryptedBackup(store, ACCOUNT, PASSPHRASE)).rejects.toMatchObject({ code: 'key_missing' });
    await store.set(ACCOUNT, pkcs8PemFromSeed(SEED));
    await expect(exportEncryptedBackup(store, ACCOUNT, 'short')).rejects.toMatchObject({ code: 'passphrase_too_short' });
  });

  it('will not import a different key over the current one unless asked to rotate', async () => {
    const store = new MemoryStore();
    const current = await generateIdentityKey(store, ACCOUNT);
    const source = new MemoryStore();
    await source.set(ACCOUNT, pkcs8PemFromSeed(SEED));
    const backup = await exportEncryptedBackup(source, ACCOUNT, PASSPHRASE);
    await expect(importEncryptedBackup(store, ACCOUNT, backup, PASSPHRASE)).rejects.toMatchObject({ code: 'key_exists' });
    const rotated = await importEncryptedBackup(store, ACCOUNT, backup, PASSPHRASE, { replace: true });
    expect(rotated.publicKey).not.toBe(current.publicKey);
    expect((await loadSigner(store, previousAccountFor(ACCOUNT, current.keyId)))?.publicKey).toBe(current.publicKey);
  });

  it('rotation keeps the previous key under <account>:previous:<keyid> for the dual-trust window', async () => {
    const store = new MemoryStore();
    const before = await generateIdentityKey(store, ACCOUNT);
    const r = await replaceKey(store, ACCOUNT, Uint8Array.from(SEED));
    expect(r.previousAccount).toBe(`${ACCOUNT}:previous:${before.keyId}`);
    expect(r.previous.publicKey).toBe(before.publicKey);
    expect((await loadSigner(store, ACCOUNT))?.publicKey).toBe(r.signer.publicKey);
    expect((await loadSigner(store, r.previousAccount))?.publicKey).toBe(before.publicKey);
    await expect(replaceKey(store, ACCOUNT, Uint8Array.from(SEED))).rejects.toMatchObject({ code: 'key_exists' });
    await expect(replaceKey(new MemoryStore(), ACCOUNT, Uint8Array.from(SEED))).rejects.toMatchObject({ code: 'key_missing' });
  });

  it('a signer shows its public key and custody, never the private key', async () => {
    const store = new MemoryStore();
    await store.set(ACCOUNT, pkcs8PemFromSeed(SEED));
    const signer = (await loadSigner(store, ACCOUNT))!;
    const { inspect } = await import('node:util');
    const text = JSON.stringify(signer) + String(signer) + inspect(signer, { showHidden: true, depth: 5 }) + Object.values(signer).map(String).join();
    for (const form of [SEED.toString('base64url'), SEED.toString('hex'), SEED.toString('base64'), pkcs8PemFromSeed(SEED).split('\n')[1]!]) expect(text).not.toContain(form);
    expect(text).toContain(signer.publicKey);
  });
});
