// A database backup sealed under a passphrase, for copies that leave the machine: scrypt derives an AES-256-GCM key;
// the file is a header line (what the copy holds, readable without the passphrase but bound to every chunk) and then
// the database in 1 MiB chunks, each with its own nonce and tag, numbered and the last one flagged, so a reordered,
// truncated or extended file fails like a wrong passphrase would.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync, fstatSync, fsyncSync } from 'node:fs';
import type { DataBackupInfo } from '../../../shared/data.js';
import { CeremonyError } from '../ceremony/errors.js';
import { DEFAULT_SCRYPT } from '../secrets/envelope.js';

export const SEALED_MAGIC = 'STIGMEM-SEALED-DATA-BACKUP/1\n';
const CHUNK_BYTES = 1 << 20;
const MAX_HEADER_BYTES = 16 * 1024;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a sealed backup says about itself in the clear (checked once the passphrase opens it). */
export type SealedSummary = Omit<DataBackupInfo, 'path' | 'bytes' | 'sealed'>;

interface Header {
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  chunk_bytes: number;
  summary: SealedSummary;
}

function deriveKey(passphrase: string, salt: Buffer, h: Header['kdf']): Promise<Buffer> {
  const options: ScryptOptions = { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(passphrase.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Between chunks, let the node answer its callers: a large copy is sealed or opened without stalling it. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function chunkAad(headerDigest: Buffer, index: number, isFinal: boolean): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(index, 0);
  tail[4] = isFinal ? 1 : 0;
  return Buffer.concat([headerDigest, tail]);
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Seal the database file at `plainPath` into `outPath` (created new); `signal` stops it between chunks. */
export async function sealBackup(plainPath: string, outPath: string, passphrase: string, summary: SealedSummary, signal?: AbortSignal): Promise<void> {
  const salt = randomBytes(16);
  const header: Header = { kdf: { name: 'scrypt', ...DEFAULT_SCRYPT, salt: salt.toString('base64url') }, cipher: 'aes-256-gcm', chunk_bytes: CHUNK_BYTES, summary };
  const headerBytes = Buffer.from(`${SEALED_MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  const digest = createHash('sha256').update(headerBytes).digest();
  const key = await deriveKey(passphrase, salt, header.kdf);
  const src = openSync(plainPath, 'r');
  const out = openSync(outPath, 'wx', 0o600);
  try {
    writeSync(out, headerBytes);
    const size = fstatSync(src).size;
    let index = 0;
    for (let pos = 0; pos < size || index === 0; pos += CHUNK_BYTES, index++) {
      const plain = readAt(src, pos, Math.min(CHUNK_BYTES, size - pos));
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(chunkAad(digest, index, pos + CHUNK_BYTES >= size));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(body.length, 0);
      writeSync(out, Buffer.concat([len, iv, body, cipher.getAuthTag()]));
      await nextTurn();
      signal?.throwIfAborted();
    }
    fsyncSync(out);
  } finally {
    key.fill(0);
    closeSync(src);
    closeSync(out);
  }
}

const invalid = (path: string, why: string): CeremonyError => new CeremonyError('backup_invalid', `${path} is not an intact sealed Stigmem database backup: ${why}`);

const isIntIn = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function parseHeader(path: string, line: string): Header {
  let h: Header;
  try {
    h = JSON.parse(line) as Header;
  } catch {
    throw invalid(path, 'its header is not JSON');
  }
  const k = h?.kdf;
  const s = h?.summary;
  // Parameters weaker than ours or absurdly costly are refused before any work is done with them.
  if (!k || k.name !== 'scrypt' || !isIntIn(k.N, DEFAULT_SCRYPT.N, 2 ** 20) || !isIntIn(k.r, 1, 32) || !isIntIn(k.p, 1, 16) || typeof k.salt !== 'string') throw invalid(path, 'unknown key derivation');
  if (h.cipher !== 'aes-256-gcm' || h.chunk_bytes !== CHUNK_BYTES) throw invalid(path, 'unknown cipher');
  if (!s || typeof s.takenAt !== 'string' || typeof s.nodeId !== 'string' || typeof s.entityUri !== 'string' || typeof s.keyId !== 'string' || !isIntIn(s.schemaVersion, 0, 1e6) || !isIntIn(s.facts, 0, Number.MAX_SAFE_INTEGER) || !isIntIn(s.peers, 0, Number.MAX_SAFE_INTEGER)) {
    throw invalid(path, 'its summary is incomplete');
  }
  return h;
}

/** The header of a sealed backup, or null when the file is not one (it may be a plain backup). */
export function readSealedHeader(path: string): { header: Header; headerBytes: Buffer } | null {
  const fd = openSync(path, 'r');
  try {
    const start = readAt(fd, 0, MAX_HEADER_BYTES);
    if (!start.subarray(0, SEALED_MAGIC.length).equals(Buffer.from(SEALED_MAGIC))) return null;
    const end = start.indexOf(0x0a, SEALED_MAGIC.length);
    if (end < 0) throw invalid(path, 'its header has no end');
    const headerBytes = start.subarray(0, end + 1);
    return { header: parseHeader(path, headerBytes.subarray(SEALED_MAGIC.length, end).toString('utf8')), headerBytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * Open a sealed backup into `outPath` (created new, 0600), or only check that the passphrase opens its first chunk
 * (`outPath` null): `passphrase_wrong` when it does not open, `backup_invalid` when damaged.
 */
export async function unsealBackup(path: string, outPath: string | null, passphrase: string): Promise<SealedSummary> {
  const sealed = readSealedHeader(path);
  if (sealed === null) throw invalid(path, 'it is not sealed');
  const { header, headerBytes } = sealed;
  const digest = createHash('sha256').update(headerBytes).digest();
  const key = await deriveKey(passphrase, Buffer.from(header.kdf.salt, 'base64url'), header.kdf);
  const src = openSync(path, 'r');
  const out = outPath === null ? null : openSync(outPath, 'wx', 0o600);
  try {
    const size = fstatSync(src).size;
    let pos = headerBytes.length;
    for (let index = 0; ; index++) {
      const lenBuf = readAt(src, pos, 4);
      if (lenBuf.length < 4) throw invalid(path, 'it ends before its last chunk');
      const len = lenBuf.readUInt32BE(0);
      if (len > CHUNK_BYTES + 16) throw invalid(path, `chunk ${index} is too long`);
      const iv = readAt(src, pos + 4, IV_BYTES);
      const body = readAt(src, pos + 4 + IV_BYTES, len);
      const tag = readAt(src, pos + 4 + IV_BYTES + len, TAG_BYTES);
      if (iv.length < IV_BYTES || body.length < len || tag.length < TAG_BYTES) throw invalid(path, 'it ends inside a chunk');
      pos += 4 + IV_BYTES + len + TAG_BYTES;
      const isFinal = pos >= size;
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(chunkAad(digest, index, isFinal));
      decipher.setAuthTag(tag);
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        if (index === 0) throw new CeremonyError('passphrase_wrong', 'the passphrase does not open this backup (or the file was altered)');
        throw invalid(path, `chunk ${index} does not verify (altered, reordered or cut short)`);
      }
      if (out === null) return header.summary;
      writeSync(out, plain);
      if (isFinal) break;
      await nextTurn();
    }
    fsyncSync(out!);
    return header.summary;
  } finally {
    key.fill(0);
    closeSync(src);
    if (out !== null) closeSync(out);
  }
}
