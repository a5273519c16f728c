// Ed25519 through @noble/ed25519 (signing) with node:crypto's native verify for bulk checks.
import * as ed from '@noble/ed25519';
import { createHash, createPrivateKey, createPublicKey, randomBytes, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { fromBase64Url, toBase64Url } from './base64url.js';

// @noble/ed25519 v3's sync API needs a SHA-512; node:crypto provides it.
ed.hashes.sha512 = (m: Uint8Array) => new Uint8Array(createHash('sha512').update(m).digest());

export function generateSeed(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

export function signBytes(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

/** Verify with @noble/ed25519 (pure JS; same answers as the native path). */
export function verifyNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return ed.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keyObjects = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('hex');
  let k = keyObjects.get(id);
  if (!k) {
    k = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (keyObjects.size > 1000) keyObjects.clear();
    keyObjects.set(id, k);
  }
  return k;
}

/** Verify with node:crypto's native Ed25519: the path for bulk verification. */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return nodeVerify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** Verify a base64url signature by a base64url public key; malformed input is simply "not valid". */
export function verifyB64(publicKeyB64: string, message: Uint8Array, signatureB64: string): boolean {
  const pk = fromBase64Url(publicKeyB64);
  const sig = fromBase64Url(signatureB64);
  if (!pk || !sig) return false;
  return verifySignature(pk, message, sig);
}

/** The 32-byte seed inside a PKCS#8 PEM as `openssl genpkey -algorithm Ed25519` writes it. */
export function seedFromPkcs8Pem(pem: string): Uint8Array {
  const key = createPrivateKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key (${key.asymmetricKeyType ?? 'unknown'})`);
  const jwk = key.export({ format: 'jwk' });
  const d = fromBase64Url(jwk.d ?? '');
  if (!d || d.length !== 32) throw new Error('Ed25519 key has no 32-byte seed');
  return new Uint8Array(d);
}

/** A node:crypto private key object for a seed (kept inside a Signer's closure). */
export function nativePrivateKey(seed: Uint8Array, pub: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: toBase64Url(seed), x: toBase64Url(pub) }, format: 'jwk' });
}

/** A PKCS#8 PEM for a seed (what we write to 0600 key files). */
export function pkcs8PemFromSeed(seed: Uint8Array): string {
  const pub = publicKeyFromSeed(seed);
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: toBase64Url(seed), x: toBase64Url(pub) }, format: 'jwk' });
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** Our key id: the full 64-hex SHA-256 of the raw public key (CONTRACT.md). */
export function keyIdOf(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex');
}

/** The reference's peer approval fingerprint: sha256 of the base64url *string*. */
export function approvalFingerprint(publicKeyB64: string): string {
  return 'sha256:' + createHash('sha256').update(publicKeyB64, 'utf8').digest('hex');
}

/** A short fingerprint for people: the first 128 bits of the key id in groups of four. */
export function humanFingerprint(publicKey: Uint8Array): string {
  return humanFingerprintOfKeyId(keyIdOf(publicKey));
}

export function humanFingerprintOfKeyId(keyId: string): string {
  return (keyId.slice(0, 32).toUpperCase().match(/.{1,4}/g) ?? []).join('-');
}
