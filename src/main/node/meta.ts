// node_meta: small persisted facts about this node (its id, where its identity key is kept, its key-hash salt).
import { createHash, randomBytes } from 'node:crypto';
import { ConfigError } from './config/env.js';
import { sql, type WriteDb } from './db/sql.js';

export function getMeta(db: WriteDb, key: string): string | null {
  return db.get<{ value: string }>(sql`SELECT value FROM node_meta WHERE key = ${key}`)?.value ?? null;
}

export function setMetaIfAbsent(db: WriteDb, key: string, value: string): string {
  db.run(sql`INSERT INTO node_meta (key, value) VALUES (${key}, ${value}) ON CONFLICT(key) DO NOTHING`);
  return getMeta(db, key) as string;
}

export function setMeta(db: WriteDb, key: string, value: string): void {
  db.run(sql`INSERT INTO node_meta (key, value) VALUES (${key}, ${value}) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
}

/** `stigmem:node:` + the first 32 hex of SHA-256 of the raw identity public key (CONTRACT.md). */
export function deriveNodeId(publicKey: Uint8Array): string {
  return 'stigmem:node:' + createHash('sha256').update(publicKey).digest('hex').slice(0, 32);
}

function ignoredNodeIdWarning(configured: string | null, existing: string): string | null {
  return configured !== null && configured !== existing ? `STIGMEM_NODE_ID=${configured} is ignored: this node's id is fixed as ${existing}` : null;
}

/** node_id: STIGMEM_NODE_ID at first start, else derived from the identity key; fixed once persisted. */
export function resolveNodeId(db: WriteDb, configured: string | null, publicKey: Uint8Array): { nodeId: string; warning: string | null } {
  const existing = getMeta(db, 'node_id');
  if (existing !== null) return { nodeId: existing, warning: ignoredNodeIdWarning(configured, existing) };
  return { nodeId: setMetaIfAbsent(db, 'node_id', configured ?? deriveNodeId(publicKey)), warning: null };
}

/** The persisted node id with the warning for a different STIGMEM_NODE_ID, or null before the first start. */
export function persistedNodeId(db: WriteDb, configured: string | null): { nodeId: string; warning: string | null } | null {
  const existing = getMeta(db, 'node_id');
  return existing === null ? null : { nodeId: existing, warning: ignoredNodeIdWarning(configured, existing) };
}

export type KeyStoreRecord = 'keychain' | 'file' | 'encrypted-file';

export interface KeyCustodyRecord {
  keyStore: KeyStoreRecord;
  /** Why a generated key went to a file instead of the keychain, when it did. */
  fallbackReason: string | null;
}

/** Which store holds the node's generated key, so every later start reads that store (and only that one). */
export function getKeyCustodyRecord(db: WriteDb): KeyCustodyRecord | null {
  const keyStore = getMeta(db, 'key_store');
  if (keyStore === null) return null;
  // An unknown value must not read as "no key yet": that would start a new identity.
  if (keyStore !== 'keychain' && keyStore !== 'file' && keyStore !== 'encrypted-file') {
    throw new ConfigError(`this node's database names an unknown key store ${JSON.stringify(keyStore)}; it cannot find its identity key`);
  }
  return { keyStore, fallbackReason: getMeta(db, 'key_store_fallback') };
}

/** Record the node id and its key store together: one start-up fact, one transaction. */
export function recordIdentity(db: WriteDb, nodeId: string, custody: KeyCustodyRecord): string {
  return db.transaction(() => {
    const fixed = setMetaIfAbsent(db, 'node_id', nodeId);
    setMeta(db, 'key_store', custody.keyStore);
    if (custody.fallbackReason !== null) setMeta(db, 'key_store_fallback', custody.fallbackReason);
    else db.run(sql`DELETE FROM node_meta WHERE key = 'key_store_fallback'`);
    return fixed;
  });
}

export function keyHashSalt(db: WriteDb): Buffer {
  return Buffer.from(setMetaIfAbsent(db, 'api_key_salt', randomBytes(16).toString('hex')), 'hex');
}
