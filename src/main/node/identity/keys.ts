// Where the node's identity key comes from, in CONTRACT.md's order: env pair, PEM file, env seed, the node's own key.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { NodeConfig } from '../config/env.js';
import { ConfigError } from '../config/env.js';
import { fromBase64Url, normaliseKey } from '../crypto/base64url.js';
import { generateSeed, pkcs8PemFromSeed, publicKeyFromSeed, seedFromPkcs8Pem } from '../crypto/ed25519.js';
import { signerFromSeed, type Signer } from './signer.js';
import { toBase64Url } from '../crypto/base64url.js';

export interface NodeKeys {
  /** Signs peer tokens and the declaration. */
  federation: Signer;
  /** Signs manifests, tokens and revocations; the same signer unless a separate org key is configured. */
  org: Signer;
  /** True when the federation pair and a separate org key are both configured (the reference split). */
  isSplit: boolean;
  notices: string[];
}

function seedFromB64(name: string, text: string): Uint8Array {
  const bytes = fromBase64Url(text);
  if (!bytes || bytes.length !== 32) throw new ConfigError(`${name} must be a base64url 32-byte Ed25519 seed`);
  return new Uint8Array(bytes);
}

function orgKeyFromConfig(config: NodeConfig): Signer | null {
  if (config.nodePrivateKeyFile) {
    let pem: string;
    try {
      pem = readFileSync(config.nodePrivateKeyFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`STIGMEM_NODE_PRIVATE_KEY_FILE cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      return signerFromSeed(seedFromPkcs8Pem(pem), `PEM file ${config.nodePrivateKeyFile}`);
    } catch (e) {
      throw new ConfigError(`STIGMEM_NODE_PRIVATE_KEY_FILE is not an Ed25519 PKCS#8 PEM key: ${(e as Error).message}`);
    }
  }
  if (config.nodePrivateKey) return signerFromSeed(seedFromB64('STIGMEM_NODE_PRIVATE_KEY', config.nodePrivateKey), 'environment (STIGMEM_NODE_PRIVATE_KEY)');
  return null;
}

/** The 0600 PEM file beside the database that holds a generated key on machines without a keychain. */
export function generatedKeyPath(dbPath: string): string {
  return join(dirname(dbPath), `${basename(dbPath).replace(/\.db$/, '')}.identity.pem`);
}

function storedOrGeneratedKey(config: NodeConfig, notices: string[]): Signer {
  const path = config.dbPath === ':memory:' ? null : generatedKeyPath(config.dbPath);
  if (path && existsSync(path)) {
    try {
      return signerFromSeed(seedFromPkcs8Pem(readFileSync(path, 'utf8')), `key file ${path}`);
    } catch (e) {
      throw new ConfigError(`the node key file ${path} is unreadable or damaged: ${(e as Error).message}`);
    }
  }
  const seed = generateSeed();
  if (path) {
    writeFileSync(path, pkcs8PemFromSeed(seed), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    notices.push(`generated a new identity key in ${path} (mode 0600)`);
    return signerFromSeed(seed, `key file ${path}`);
  }
  notices.push('generated an in-memory identity key (it is lost when the node stops)');
  return signerFromSeed(seed, 'memory');
}

export function loadNodeKeys(config: NodeConfig): NodeKeys {
  const notices: string[] = [];
  const org = orgKeyFromConfig(config);
  if (config.federationPrivkey && config.federationPubkey) {
    const seed = seedFromB64('STIGMEM_FEDERATION_PRIVKEY', config.federationPrivkey);
    const pub = normaliseKey(config.federationPubkey);
    if (!pub) throw new ConfigError('STIGMEM_FEDERATION_PUBKEY must be a base64url 32-byte Ed25519 public key');
    if (pub !== toBase64Url(publicKeyFromSeed(seed))) {
      throw new ConfigError('STIGMEM_FEDERATION_PUBKEY does not belong to STIGMEM_FEDERATION_PRIVKEY');
    }
    const federation = signerFromSeed(seed, 'environment (STIGMEM_FEDERATION_PRIVKEY)');
    return { federation, org: org ?? federation, isSplit: org !== null && org.publicKey !== federation.publicKey, notices };
  }
  const key = org ?? storedOrGeneratedKey(config, notices);
  return { federation: key, org: key, isSplit: false, notices };
}
