// Known-answer vectors of REFERENCE-NODE.md §3.4: the same seed must give the same bytes and signatures as the reference.
import { describe, expect, it } from 'vitest';
import { canonicalAscii, canonicalAsciiBytes, canonicalJcs, canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { fromBase64Url, toBase64Url, normaliseKey } from '../../../src/main/node/crypto/base64url.js';
import { approvalFingerprint, keyIdOf, publicKeyFromSeed, verifyNoble, verifySignature } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';

const SEED = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const PUB = 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg';
const signer = signerFromSeed(fromBase64Url(SEED)!, 'test');

describe('reference known-answer vectors', () => {
  it('derives the public key, key ids and approval fingerprint', () => {
    expect(toBase64Url(publicKeyFromSeed(fromBase64Url(SEED)!))).toBe(PUB);
    expect(signer.publicKey).toBe(PUB);
    expect(keyIdOf(signer.publicKeyBytes)).toBe('56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c');
    expect(signer.keyId.slice(0, 16)).toBe('56475aa75463474c');
    expect(approvalFingerprint(PUB)).toBe('sha256:b43cdfe1bf180ef4e22bb93ea9cc8f0ef23b762de714053b3bf0acdda2d7470d');
  });

  it('signs the manifest body byte for byte', () => {
    const body = {
      public_key: PUB,
      key_id: '56475aa75463474c',
      rotation_events: [],
      entity_uri: 'stigmem://org-a.example',
      entities: ['stigmem://org-a.example', 'stigmem://org-a.example/agent/bot'],
      issued_at: '2026-01-01T00:00:00Z',
      expires_at: '2026-12-31T00:00:00Z',
    };
    expect(canonicalJcs(body)).toBe(
      '{"entities":["stigmem://org-a.example","stigmem://org-a.example/agent/bot"],"entity_uri":"stigmem://org-a.example","expires_at":"2026-12-31T00:00:00Z","issued_at":"2026-01-01T00:00:00Z","key_id":"56475aa75463474c","public_key":"A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg","rotation_events":[]}',
    );
    expect(signer.signB64(canonicalJcsBytes(body))).toBe('2T04_Ug9K6EMFRDAPTt75G-WdL1pdp4rJQy3PB5V6LJakMjGFnWhDjeEm7Xj-ldDJKwaFma7jsmUkajcXr69Bg');
  });

  it('signs the peer declaration in the ASCII flavour', () => {
    const decl = {
      node_url: 'http://127.0.0.1:8100',
      node_id: 'stigmem:node:00000000-0000-0000-0000-000000000001',
      federation_pubkey: PUB,
      allowed_scopes: ['company', 'public'],
      signed_at: '2026-01-01T00:00:00+00:00',
    };
    expect(canonicalAscii(decl)).toBe(
      '{"allowed_scopes":["company","public"],"federation_pubkey":"A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg","node_id":"stigmem:node:00000000-0000-0000-0000-000000000001","node_url":"http://127.0.0.1:8100","signed_at":"2026-01-01T00:00:00+00:00"}',
    );
    expect(signer.signB64(canonicalAsciiBytes(decl))).toBe('q2SiCQWY4IZev8toCSh5nlx4n-9gqYkSz95u9UPme9Vy-BcxGL_b6nopQ-dSZXaOyn94S1V2i5MqDqhodKifDg');
  });

  it('signs a capability token body with token_version as an integer', () => {
    const body = {
      token_id: '11111111-1111-1111-1111-111111111111',
      token_version: 1,
      issuer: 'stigmem://org-a.example',
      subject: 'stigmem://org-a.example/agent/bot',
      verb: 'write',
      object: 'stigmem://facts/scope:company',
      issued_at: '2026-01-01T00:00:00.000001+00:00',
      expiry: '2026-01-02T00:00:00.000001+00:00',
      nonce: 'ab'.repeat(32),
    };
    const sig = signer.signB64(canonicalJcsBytes(body));
    expect(sig).toBe('zxTaeUmtzReWfyqCwImHV_f_bkPyP3nLFh0NiNZhvGvl3nMVzMiNn4GoLLBDP-uRYfBMZZzrXuRNC1QNeZOQCA');
    expect(verifySignature(signer.publicKeyBytes, canonicalJcsBytes(body), fromBase64Url(sig)!)).toBe(true);
    expect(verifyNoble(signer.publicKeyBytes, canonicalJcsBytes(body), fromBase64Url(sig)!)).toBe(true);
  });

  it('rejects a signature with one flipped bit on both verify paths', () => {
    const msg = Buffer.from('hello');
    const sig = signer.sign(msg);
    sig[10] = sig[10]! ^ 1;
    expect(verifySignature(signer.publicKeyBytes, msg, sig)).toBe(false);
    expect(verifyNoble(signer.publicKeyBytes, msg, sig)).toBe(false);
  });

  it('ASCII flavour escapes é while the JCS flavour keeps raw UTF-8', () => {
    expect(canonicalAscii({ a: 'é' })).toBe('{"a":"\\u00e9"}');
    expect([...canonicalJcsBytes({ a: 'é' })].slice(6, 8)).toEqual([0xc3, 0xa9]);
  });
});

describe('base64url keys', () => {
  it('accepts padded, unpadded and +/ forms and normalises to unpadded base64url', () => {
    const raw = fromBase64Url(PUB)!;
    const padded = raw.toString('base64url') + '=';
    const std = raw.toString('base64');
    expect(normaliseKey(padded)).toBe(PUB);
    expect(normaliseKey(std)).toBe(PUB);
    expect(normaliseKey(PUB)).toBe(PUB);
  });
  it('refuses wrong lengths and junk', () => {
    expect(normaliseKey('abc')).toBeNull();
    expect(normaliseKey('!!!!')).toBeNull();
    expect(normaliseKey(PUB + 'AA')).toBeNull();
    expect(fromBase64Url('a')).toBeNull();
  });
});

describe('signing paths agree', () => {
  it('the signer (native) and @noble/ed25519 produce identical signatures for random keys and messages', async () => {
    const { generateSeed, signBytes } = await import('../../../src/main/node/crypto/ed25519.js');
    for (let i = 0; i < 20; i++) {
      const seed = generateSeed();
      const msg = Buffer.from(`message ${i} ${'x'.repeat(i * 13)}`);
      expect(toBase64Url(signerFromSeed(seed, 't').sign(msg))).toBe(toBase64Url(signBytes(seed, msg)));
    }
  });
});
