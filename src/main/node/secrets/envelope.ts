// Passphrase-sealed secrets: scrypt (N = 2^15) derives an AES-256-GCM key; a versioned JSON envelope carries salt, iv and tag.
import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { SecretStoreError } from './store.js';

export const ENVELOPE_FORMAT = 'stigmem-sealed-secret';
export const ENVELOPE_VERSION = 1;
export const MIN_PASSPHRASE_LENGTH = 12;
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
// Bounds on parameters read from a file: weaker than the default is refused, absurdly costly ones too.
const MIN_N = 2 ** 15;
const MAX_N = 2 ** 20;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

interface Envelope {
  format: typeof ENVELOPE_FORMAT;
  version: typeof ENVELOPE_VERSION;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  ciphertext: string;
}

/** Refuse a missing, empty or short passphrase before any key is written or read with it. */
export function checkPassphrase(passphrase: string | null | undefined, name = 'STIGMEM_KEY_PASSPHRASE'): string {
  if (passphrase === null || passphrase === undefined || passphrase === '') {
    throw new SecretStoreError('passphrase_missing', `the encrypted key file needs a passphrase and ${name} is not set`, `set ${name} (at least ${MIN_PASSPHRASE_LENGTH} characters)`);
  }
  const normalised = passphrase.normalize('NFC');
  if ([...normalised].length < MIN_PASSPHRASE_LENGTH) {
    throw new SecretStoreError('passphrase_too_short', `${name} is shorter than ${MIN_PASSPHRASE_LENGTH} characters`, 'use a longer passphrase');
  }
  return normalised;
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(passphrase.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** The header fields are bound to the ciphertext, so an edited parameter fails like a wrong passphrase. */
function associatedData(e: Pick<Envelope, 'format' | 'version' | 'kdf' | 'cipher'>): Buffer {
  return Buffer.from(`${e.format}/${e.version}/${e.kdf.name}/${e.kdf.N}/${e.kdf.r}/${e.kdf.p}/${e.cipher.name}`, 'utf8');
}

export async function sealSecret(plaintext: string, passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(passphrase, salt, params);
  const header: Omit<Envelope, 'ciphertext'> = {
    format: ENVELOPE_FORMAT,
    version: ENVELOPE_VERSION,
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: salt.toString('base64url') },
    cipher: { name: 'aes-256-gcm', iv: iv.toString('base64url'), tag: '' },
  };
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  key.fill(0);
  const envelope: Envelope = { ...header, cipher: { ...header.cipher, tag: cipher.getAuthTag().toString('base64url') }, ciphertext: ciphertext.toString('base64url') };
  return JSON.stringify(envelope, null, 2) + '\n';
}

const isB64 = (v: unknown, bytes?: number): v is string =>
  typeof v === 'string' && /^[A-Za-z0-9_-]+$/.test(v) && (bytes === undefined || Buffer.from(v, 'base64url').length === bytes);
const isIntIn = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function parseEnvelope(text: string, where: string): Envelope {
  const damaged = (why: string): SecretStoreError =>
    new SecretStoreError('key_store_damaged', `${where} is not a usable encrypted key (${why})`, 'restore it from a backup');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged('not JSON');
  }
  const e = value as Partial<Envelope> | null;
  if (typeof e !== 'object' || e === null || e.format !== ENVELOPE_FORMAT) throw damaged('unknown format');
  if (e.version !== ENVELOPE_VERSION) throw damaged(`unsupported version ${JSON.stringify(e.version)}`);
  const k = e.kdf;
  if (!k || k.name !== 'scrypt' || !isIntIn(k.N, MIN_N, MAX_N) || (k.N & (k.N - 1)) !== 0 || !isIntIn(k.r, 1, 32) || !isIntIn(k.p, 1, 16) || !isB64(k.salt) || Buffer.from(k.salt, 'base64url').length < 16) {
    throw damaged('bad key-derivation parameters');
  }
  const c = e.cipher;
  if (!c || c.name !== 'aes-256-gcm' || !isB64(c.iv, 12) || !isB64(c.tag, 16) || !isB64(e.ciphertext)) throw damaged('bad cipher fields');
  return e as Envelope;
}

/** Open an envelope; a wrong passphrase (or an altered file: GCM cannot tell them apart) is `passphrase_wrong`. */
export async function openSecret(text: string, passphrase: string, where: string, passphraseName = 'STIGMEM_KEY_PASSPHRASE'): Promise<string> {
  const e = parseEnvelope(text, where);
  const key = await deriveKey(passphrase, Buffer.from(e.kdf.salt, 'base64url'), e.kdf);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(e.cipher.iv, 'base64url'));
    decipher.setAAD(associatedData(e));
    decipher.setAuthTag(Buffer.from(e.cipher.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(e.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretStoreError('passphrase_wrong', `the passphrase does not open ${where} (wrong passphrase, or the file was altered)`, `check ${passphraseName}`);
  } finally {
    key.fill(0);
  }
}
