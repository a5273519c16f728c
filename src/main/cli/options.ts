// Option values every command checks alike, so a malformed one is refused as a usage error before anything is done.
import { InvalidArgumentError } from 'commander';
import { normaliseKey } from '../node/crypto/base64url.js';

/** An http(s) URL, without trailing slashes. */
export function parseHttpUrl(v: string): string {
  if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol)) throw new InvalidArgumentError('must be an http(s) URL');
  return v.replace(/\/+$/, '');
}

/** An Ed25519 public key as peers and records write it (32 bytes, base64url), normalised. */
export function parsePublicKey(v: string): string {
  const key = normaliseKey(v.trim());
  if (key === null) throw new InvalidArgumentError('must be an Ed25519 public key (32 bytes, base64url)');
  return key;
}
