// The passphrase envelope: scrypt N ≥ 2^15 + AES-256-GCM, versioned JSON with salt, iv and tag; wrong passphrase is typed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedFileStore } from '../../../src/main/node/secrets/encryptedFile.js';
import { checkPassphrase, openSecret, sealSecret } from '../../../src/main/node/secrets/envelope.js';

interface Envelope {
  kdf: { N: number; salt: string; [k: string]: unknown };
  cipher: { iv: string; tag: string; [k: string]: unknown };
  ciphertext: string;
  [k: string]: unknown;
}

const PASSPHRASE = 'correct horse battery staple';
const SECRET = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\n-----END PRIVATE KEY-----\n';

describe('sealed secrets', () => {
  it('round-trips and carries a versioned header with salt, iv and tag', async () => {
    const sealed = await sealSecret(SECRET, PASSPHRASE);
    const e = JSON.parse(sealed) as Envelope;
    expect(e).toMatchObject({ format: 'stigmem-sealed-secret', version: 1, kdf: { name: 'scrypt', r: 8, p: 1 }, cipher: { name: 'aes-256-gcm' } });
    expect(e['kdf'].N).toBeGreaterThanOrEqual(2 ** 15);
    expect(Buffer.from(e['kdf'].salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(e['cipher'].iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(e['cipher'].tag, 'base64url')).toHaveLength(16);
    expect(sealed).not.toContain('MC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f');
    expect(await openSecret(sealed, PASSPHRASE, 'test')).toBe(SECRET);
  });

  it('uses a fresh salt and iv every time', async () => {
    const a = JSON.parse(await sealSecret(SECRET, PASSPHRASE)) as Envelope;
    const b = JSON.parse(await sealSecret(SECRET, PASSPHRASE)) as Envelope;
    expect(a['kdf'].salt).not.toBe(b['kdf'].salt);
    expect(a['cipher'].iv).not.toBe(b['cipher'].iv);
    expect(a['ciphertext']).not.toBe(b['ciphertext']);
  });

  it('treats the same passphrase typed in another Unicode form as the same passphrase', async () => {
    const sealed = await sealSecret(SECRET, 'pa\u0073\u0073phrase caf\u00e9 ok');
    expect(await openSecret(sealed, 'passphrase cafe\u0301 ok', 'test')).toBe(SECRET);
  });

  it('refuses a wrong passphrase with passphrase_wrong', async () => {
    const sealed = await sealSecret(SECRET, PASSPHRASE);
    await expect(openSecret(sealed, 'correct horse battery stapler', 'the key file x')).rejects.toMatchObject({
      code: 'passphrase_wrong',
      message: expect.stringContaining('the passphrase does not open the key file x'),
    });
  });

  it('refuses altered ciphertext or parameters like a wrong passphrase, and nonsense as damaged', async () => {
    const e = JSON.parse(await sealSecret(SECRET, PASSPHRASE)) as Envelope;
    const flipped = Buffer.from(e['ciphertext'], 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    await expect(openSecret(JSON.stringify({ ...e, ciphertext: flipped.toString('base64url') }), PASSPHRASE, 'x')).rejects.toMatchObject({ code: 'passphrase_wrong' });
    await expect(openSecret(JSON.stringify({ ...e, kdf: { ...e['kdf'], p: 2 } }), PASSPHRASE, 'x')).rejects.toMatchObject({ code: 'passphrase_wrong' });
    for (const bad of ['not json', '{}', JSON.stringify({ ...e, version: 2 }), JSON.stringify({ ...e, kdf: { ...e['kdf'], N: 1024 } }),
      JSON.stringify({ ...e, kdf: { ...e['kdf'], N: 2 ** 40 } }), JSON.stringify({ ...e, cipher: { ...e['cipher'], iv: 'AAAA' } }), 'null', '[]']) {
      await expect(openSecret(bad, PASSPHRASE, 'x')).rejects.toMatchObject({ code: 'key_store_damaged' });
    }
  });
});

describe('passphrase policy', () => {
  it.each([
    [null, 'passphrase_missing'],
    ['', 'passphrase_missing'],
    ['short', 'passphrase_too_short'],
    ['elevenchars', 'passphrase_too_short'],
  ])('%j → %s', (passphrase, code) => {
    expect(() => checkPassphrase(passphrase)).toThrow(expect.objectContaining({ code, message: expect.stringContaining('STIGMEM_KEY_PASSPHRASE') }));
  });

  it('accepts twelve characters', () => {
    expect(checkPassphrase('twelve chars')).toBe('twelve chars');
  });

  it('an encrypted-file store refuses to exist without a usable passphrase', () => {
    expect(() => new EncryptedFileStore('/tmp/n.db', 'a', null)).toThrow(expect.objectContaining({ code: 'passphrase_missing' }));
    expect(() => new EncryptedFileStore('/tmp/n.db', 'a', 'short')).toThrow(expect.objectContaining({ code: 'passphrase_too_short' }));
  });

  it('an encrypted key file opened with the wrong passphrase is passphrase_wrong', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'stigmem-env-')), 'n.db');
    await new EncryptedFileStore(db, 'acct', PASSPHRASE).set('acct', SECRET);
    const other = new EncryptedFileStore(db, 'acct', 'a different passphrase');
    await expect(other.get('acct')).rejects.toMatchObject({ code: 'passphrase_wrong', message: expect.stringContaining(other.pathFor('acct')) });
    writeFileSync(other.pathFor('acct'), readFileSync(other.pathFor('acct'), 'utf8').slice(0, 40));
    await expect(other.get('acct')).rejects.toMatchObject({ code: 'key_store_damaged' });
  });
});
