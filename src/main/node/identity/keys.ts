// Where the node's identity key comes from, in CONTRACT.md's order: env pair, PEM file, env seed, the node's own key.
import { readFileSync } from 'node:fs';
import type { NodeConfig } from '../config/env.js';
import { ConfigError } from '../config/env.js';
import { fromBase64Url, normaliseKey, toBase64Url } from '../crypto/base64url.js';
import { publicKeyFromSeed, seedFromPkcs8Pem } from '../crypto/ed25519.js';
import type { WriteDb } from '../db/sql.js';
import { getKeyCustodyRecord, resolveNodeId } from '../meta.js';
import { loadStoredIdentity, type KeyCustody, type KeyLoadOptions } from '../secrets/custody.js';
import { identityPemPath } from '../secrets/files.js';
import { signerFromSeed, type Signer } from './signer.js';

export type { KeyCustody, KeychainFallback, KeyLoadOptions } from '../secrets/custody.js';
export { openKeyStore, openRecordedKeyStore } from '../secrets/custody.js';

export interface NodeKeys {
  /** Signs peer tokens and the declaration. */
  federation: Signer;
  /** Signs manifests, tokens and revocations; the same signer unless a separate org key is configured. */
  org: Signer;
  /** True when the federation pair and a separate org key are both configured (the reference split). */
  isSplit: boolean;
  notices: string[];
  nodeId: string;
  keyCustody: KeyCustody;
  /** This start generated the node's identity key (its first start, or a folder whose key was never stored). */
  isGenerated: boolean;
}

interface ConfiguredKey {
  signer: Signer;
  backend: 'environment' | 'key-file';
}

function seedFromB64(name: string, text: string): Uint8Array {
  const bytes = fromBase64Url(text);
  if (!bytes || bytes.length !== 32) throw new ConfigError(`${name} must be a base64url 32-byte Ed25519 seed`);
  return new Uint8Array(bytes);
}

function orgKeyFromConfig(config: NodeConfig): ConfiguredKey | null {
  if (config.nodePrivateKeyFile) {
    let pem: string;
    try {
      pem = readFileSync(config.nodePrivateKeyFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`STIGMEM_NODE_PRIVATE_KEY_FILE cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      return { signer: signerFromSeed(seedFromPkcs8Pem(pem), `PEM file ${config.nodePrivateKeyFile}`), backend: 'key-file' };
    } catch (e) {
      throw new ConfigError(`STIGMEM_NODE_PRIVATE_KEY_FILE is not an Ed25519 PKCS#8 PEM key: ${(e as Error).message}`);
    }
  }
  if (config.nodePrivateKey) {
    return { signer: signerFromSeed(seedFromB64('STIGMEM_NODE_PRIVATE_KEY', config.nodePrivateKey), 'environment (STIGMEM_NODE_PRIVATE_KEY)'), backend: 'environment' };
  }
  return null;
}

/** Keys the operator configured (environment or PEM file), or null when the node uses its own stored key. */
function configuredKeys(config: NodeConfig): { federation: Signer; org: ConfiguredKey; isSplit: boolean } | null {
  const org = orgKeyFromConfig(config);
  if (config.federationPrivkey && config.federationPubkey) {
    const seed = seedFromB64('STIGMEM_FEDERATION_PRIVKEY', config.federationPrivkey);
    const pub = normaliseKey(config.federationPubkey);
    if (!pub) throw new ConfigError('STIGMEM_FEDERATION_PUBKEY must be a base64url 32-byte Ed25519 public key');
    if (pub !== toBase64Url(publicKeyFromSeed(seed))) {
      throw new ConfigError('STIGMEM_FEDERATION_PUBKEY does not belong to STIGMEM_FEDERATION_PRIVKEY');
    }
    const federation = signerFromSeed(seed, 'environment (STIGMEM_FEDERATION_PRIVKEY)');
    seed.fill(0);
    return { federation, org: org ?? { signer: federation, backend: 'environment' }, isSplit: org !== null && org.signer.publicKey !== federation.publicKey };
  }
  return org ? { federation: org.signer, org, isSplit: false } : null;
}

/** The 0600 PEM file beside the database that holds a generated key on machines without a keychain. */
export function generatedKeyPath(dbPath: string): string {
  return identityPemPath(dbPath);
}

/**
 * Load (or at first start create) the node's identity key and id. The database is open first, so the persisted
 * node id names the keychain account and node_meta says which store holds the key.
 */
export async function loadNodeKeys(config: NodeConfig, db: WriteDb, opts: KeyLoadOptions = {}): Promise<NodeKeys> {
  const notices: string[] = [];
  const configured = configuredKeys(config);
  if (configured) {
    const { nodeId, warning } = resolveNodeId(db, config.nodeId, configured.federation.publicKeyBytes);
    if (warning) notices.push(warning);
    const record = getKeyCustodyRecord(db);
    if (record) notices.push(`the configured key (${configured.org.signer.custody}) is used; this node's own key in the ${record.keyStore} store is left as it is`);
    const keyCustody: KeyCustody = { backend: configured.org.backend, location: configured.org.signer.custody, requested: config.keyStore, isFallback: false, fallbackReason: null };
    return { federation: configured.federation, org: configured.org.signer, isSplit: configured.isSplit, notices, nodeId, keyCustody, isGenerated: false };
  }
  const stored = await loadStoredIdentity(config, db, opts, notices);
  return { federation: stored.signer, org: stored.signer, isSplit: false, notices, nodeId: stored.nodeId, keyCustody: stored.custody, isGenerated: stored.isGenerated === true };
}
