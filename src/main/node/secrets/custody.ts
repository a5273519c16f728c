// The node's own generated identity key: which store holds it, first start, later starts, the keychain fallback.
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, type KeyStoreKind, type NodeConfig } from '../config/env.js';
import { generateSeed, publicKeyFromSeed, seedFromPkcs8Pem } from '../crypto/ed25519.js';
import type { WriteDb } from '../db/sql.js';
import type { Signer } from '../identity/signer.js';
import { deriveNodeId, getKeyCustodyRecord, persistedNodeId, recordIdentity, resolveNodeId, type KeyCustodyRecord, type KeyStoreRecord } from '../meta.js';
import { EncryptedFileStore } from './encryptedFile.js';
import { PemFileStore } from './file.js';
import { identityPemPath } from './files.js';
import { loadSigner, placeIdentityKey } from './identityKeys.js';
import { KeychainStore } from './keychain.js';
import { MemoryStore } from './memory.js';
import { isKeychainFailure, SecretStoreError, type SecretBackend, type SecretStore } from './store.js';

/** Which backend protects the identity (org) key: shown on the key screen and the console; never a secret. */
export interface KeyCustody {
  /** `environment` and `key-file` are operator-supplied keys; the rest are the node's own generated key. */
  backend: 'environment' | 'key-file' | SecretBackend;
  location: string;
  /** STIGMEM_KEY_STORE as configured. */
  requested: KeyStoreKind;
  /** True when the key went to a file because the keychain did not answer at first start. */
  isFallback: boolean;
  fallbackReason: string | null;
}

export interface KeychainFallback {
  /** Why the keychain was not used (typed: keychain_unavailable, keychain_locked, keychain_timeout). */
  error: SecretStoreError;
  /** Where the key would go instead. */
  location: string;
}

export interface KeyLoadOptions {
  /** Replaces the OS keychain store (tests use a unique service name or a fake keytar). */
  keychain?: SecretStore;
  /** Asked before `auto` falls back from the keychain to a file; the desktop app asks its user. Headless: yes. */
  confirmFallback?: (fallback: KeychainFallback) => boolean | Promise<boolean>;
}

/** The store of one kind for this node's database and account. */
export function openKeyStore(kind: KeyStoreRecord, config: NodeConfig, nodeAccount: string, opts: KeyLoadOptions = {}): SecretStore {
  if (kind === 'keychain') return opts.keychain ?? new KeychainStore();
  if (kind === 'file') return new PemFileStore(config.dbPath, nodeAccount);
  return new EncryptedFileStore(config.dbPath, nodeAccount, config.keyPassphrase);
}

/** The store that holds this node's generated key and the account it is under, or null when it has none. */
export function openRecordedKeyStore(config: NodeConfig, db: WriteDb, opts: KeyLoadOptions = {}): { store: SecretStore; account: string } | null {
  const record = getKeyCustodyRecord(db);
  const persisted = persistedNodeId(db, null);
  if (record === null || persisted === null) return null;
  return { store: openKeyStore(record.keyStore, config, persisted.nodeId, opts), account: persisted.nodeId };
}

export interface StoredIdentity {
  signer: Signer;
  nodeId: string;
  custody: KeyCustody;
  /** This start generated the key (rather than finding one in its store). */
  isGenerated?: boolean;
}

const custodyOf = (config: NodeConfig, store: SecretStore, account: string, fallbackReason: string | null): KeyCustody => ({
  backend: store.backend,
  location: store.describe(account),
  requested: config.keyStore,
  isFallback: fallbackReason !== null,
  fallbackReason,
});

/** A later start: read the recorded store and only that one; an unreachable or empty store stops the node. */
async function openRecordedIdentity(config: NodeConfig, opts: KeyLoadOptions, record: KeyCustodyRecord, nodeId: string, notices: string[]): Promise<StoredIdentity> {
  const store = openKeyStore(record.keyStore, config, nodeId, opts);
  const where = store.describe(nodeId);
  if (config.keyStore !== 'auto' && config.keyStore !== record.keyStore) {
    notices.push(`STIGMEM_KEY_STORE=${config.keyStore} is ignored: this node's identity key is kept in ${where}`);
  }
  let signer: Signer | null;
  try {
    signer = await loadSigner(store, nodeId);
  } catch (e) {
    if (!isKeychainFailure(e)) throw e;
    const unlock = e.code === 'keychain_unavailable' ? 'make it reachable' : 'unlock it';
    throw new SecretStoreError(e.code, `this node's identity key is kept in ${where}, but ${e.reason}`, `${unlock} and start again (the node will not create a new identity in its place)`);
  }
  if (store instanceof EncryptedFileStore && store.resealed.length > 0) {
    notices.push(`${store.resealed.join(', ')} was sealed under the settings file's placeholder passphrase; it is now sealed under STIGMEM_KEY_PASSPHRASE`);
  }
  if (signer === null) {
    // A locked or absent login keyring answers reads with "nothing here", so a missing item may just be locked away.
    const remedy = record.keyStore === 'keychain' ? 'unlock the keyring that holds it, or restore it from its encrypted backup' : 'restore it from its encrypted backup';
    throw new SecretStoreError('key_missing', `this node's identity key is missing from ${where}`, `${remedy} (the node will not create a new identity in its place)`);
  }
  return { signer, nodeId, custody: custodyOf(config, store, nodeId, record.fallbackReason) };
}

/** Use the key already under `account` (never overwrite one), else store `seed` there. */
async function placeOrAdopt(store: SecretStore, account: string, seed: Uint8Array, notices: string[]): Promise<Signer> {
  const existing = await loadSigner(store, account);
  if (existing) {
    notices.push(`found an existing identity key for ${account} in ${existing.custody}; using it`);
    return existing;
  }
  const signer = await placeIdentityKey(store, account, seed);
  notices.push(`generated a new identity key in ${signer.custody}`);
  return signer;
}

/** `auto`: the keychain if it answers, else (with consent) the 0600 PEM file, announced with the reason. */
async function placeAuto(config: NodeConfig, opts: KeyLoadOptions, account: string, seed: Uint8Array, notices: string[]) {
  const keychain = openKeyStore('keychain', config, account, opts);
  try {
    return { kind: 'keychain' as const, store: keychain, signer: await placeOrAdopt(keychain, account, seed, notices), fallbackReason: null };
  } catch (e) {
    if (!isKeychainFailure(e)) throw e;
    const file = openKeyStore('file', config, account, opts);
    if (opts.confirmFallback && !(await opts.confirmFallback({ error: e, location: file.describe(account) }))) throw e;
    const signer = await placeOrAdopt(file, account, seed, notices);
    notices.push(`${e.reason}: the identity key is kept in ${file.describe(account)} instead (STIGMEM_KEY_STORE=keychain refuses to start without the keychain)`);
    return { kind: 'file' as const, store: file, signer, fallbackReason: e.reason };
  }
}

/** First start (or a node whose earlier key came from the environment): generate the key into the chosen store. */
async function generateIdentity(config: NodeConfig, db: WriteDb, opts: KeyLoadOptions, persisted: string | null, notices: string[]): Promise<StoredIdentity> {
  const seed = generateSeed();
  try {
    const nodeId = persisted ?? config.nodeId ?? deriveNodeId(publicKeyFromSeed(seed));
    if (persisted !== null) notices.push(`node ${nodeId} had no stored identity key; generating one (peers that knew an earlier key must approve the new one)`);
    let placed: { kind: KeyStoreRecord; store: SecretStore; signer: Signer; fallbackReason: string | null };
    if (config.keyStore === 'auto') placed = await placeAuto(config, opts, nodeId, seed, notices);
    else {
      const store = openKeyStore(config.keyStore, config, nodeId, opts);
      placed = { kind: config.keyStore, store, signer: await placeOrAdopt(store, nodeId, seed, notices), fallbackReason: null };
    }
    const fixedId = recordIdentity(db, nodeId, { keyStore: placed.kind, fallbackReason: placed.fallbackReason });
    // The seed is fresh: a signer with its public key was generated now, any other was found in the store.
    const isGenerated = Buffer.from(placed.signer.publicKeyBytes).equals(publicKeyFromSeed(seed));
    return { signer: placed.signer, nodeId: fixedId, custody: custodyOf(config, placed.store, nodeId, placed.fallbackReason), isGenerated };
  } finally {
    seed.fill(0);
  }
}

/** A node from before key stores were recorded keeps its `<db>.identity.pem`: record it as the file store. */
function adoptUnrecordedKeyFile(config: NodeConfig, db: WriteDb, persisted: string | null): KeyCustodyRecord | null {
  const path = identityPemPath(config.dbPath);
  if (!existsSync(path)) return null;
  let publicKey: Uint8Array;
  try {
    const seed = seedFromPkcs8Pem(readFileSync(path, 'utf8'));
    publicKey = publicKeyFromSeed(seed);
    seed.fill(0);
  } catch (e) {
    throw new ConfigError(`the node key file ${path} is unreadable or damaged: ${(e as Error).message}`);
  }
  const record: KeyCustodyRecord = { keyStore: 'file', fallbackReason: null };
  recordIdentity(db, persisted ?? config.nodeId ?? deriveNodeId(publicKey), record);
  return record;
}

export async function loadStoredIdentity(config: NodeConfig, db: WriteDb, opts: KeyLoadOptions, notices: string[]): Promise<StoredIdentity> {
  if (config.dbPath === ':memory:') {
    // An in-memory database forgets the node id too, so its key lives and dies with it.
    const store = new MemoryStore();
    const seed = generateSeed();
    const { nodeId } = resolveNodeId(db, config.nodeId, publicKeyFromSeed(seed));
    const signer = await placeIdentityKey(store, nodeId, seed);
    seed.fill(0);
    notices.push('generated an in-memory identity key (it is lost when the node stops)');
    return { signer, nodeId, custody: custodyOf(config, store, nodeId, null) };
  }
  const persisted = persistedNodeId(db, config.nodeId);
  if (persisted?.warning) notices.push(persisted.warning);
  const record = getKeyCustodyRecord(db) ?? adoptUnrecordedKeyFile(config, db, persisted?.nodeId ?? null);
  if (record === null) return generateIdentity(config, db, opts, persisted?.nodeId ?? null, notices);
  const nodeId = persistedNodeId(db, null)?.nodeId;
  if (nodeId === undefined) throw new ConfigError(`this node's database records a ${record.keyStore} key store but no node id; it cannot tell which key is its own`);
  return openRecordedIdentity(config, opts, record, nodeId, notices);
}

