// A ceremony works on a node's data folder as `stigmem serve` would: the same configuration, database and key store.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import type { NodeConfig } from '../config/env.js';
import { approvalFingerprint } from '../crypto/ed25519.js';
import { openDatabase } from '../db/connection.js';
import type { WriteDb } from '../db/sql.js';
import { loadNodeKeys, openRecordedKeyStore, type KeyLoadOptions } from '../identity/keys.js';
import type { Signer } from '../identity/signer.js';
import { getKeyCustodyRecord, persistedNodeId } from '../meta.js';
import { acquireRunLock, NodeRunningError, type RunLock } from '../runLock.js';
import { identityPemPath } from '../secrets/files.js';
import type { SecretStore } from '../secrets/store.js';
import { CeremonyError } from './errors.js';

export const CEREMONY_RECORD_FILE = 'ceremony-record.jsonl';

/** What every ceremony step needs: the node's configuration, how to reach its key store, and the time. */
export interface CeremonyContext {
  config: NodeConfig;
  /** Replaces the OS keychain store or asks before falling back to a file (see KeyLoadOptions). */
  keys?: KeyLoadOptions;
  clock?: Clock;
}

/** The folder that holds the database, the key files and the ceremony record. */
export function dataDirOf(config: NodeConfig): string {
  return dirname(config.dbPath);
}

export function ceremonyRecordPath(config: NodeConfig): string {
  return join(dataDirOf(config), CEREMONY_RECORD_FILE);
}

export const nowOf = (ctx: CeremonyContext): number => (ctx.clock ?? systemClock).nowMs();

/** True when the environment names the key (the node then ignores its own stored key). */
export function hasConfiguredKey(config: NodeConfig): boolean {
  return Boolean(config.nodePrivateKeyFile || config.nodePrivateKey || (config.federationPrivkey && config.federationPubkey));
}

export function requireFileDatabase(config: NodeConfig): void {
  if (config.dbPath === ':memory:') throw new CeremonyError('config_invalid', 'a key ceremony needs a data folder: STIGMEM_DB_PATH=:memory: keeps nothing');
}

const noIdentity = (config: NodeConfig, remedy: string): CeremonyError =>
  new CeremonyError('no_identity', `the data folder ${dataDirOf(config)} has no identity yet; ${remedy}`);
const INIT_FIRST = 'run `stigmem ceremony init` or `stigmem ceremony restore` first';

/**
 * Refuse a step that needs this folder's identity before anything is made in the folder: with no database, key file or
 * configured key it has none, and opening the database would create an empty node's there.
 */
export function requireIdentityFolder(config: NodeConfig, remedy = INIT_FIRST): void {
  requireFileDatabase(config);
  if (existsSync(config.dbPath) || hasConfiguredKey(config) || existsSync(identityPemPath(config.dbPath))) return;
  throw noIdentity(config, remedy);
}

/**
 * Run `work` with the folder's node lock held: refused while a node runs on it (it would keep signing with the key the
 * step replaces), and no node can start on it until the step has finished.
 */
export async function whileNodeStopped<T>(config: NodeConfig, what: string, work: () => Promise<T>): Promise<T> {
  let lock: RunLock;
  try {
    lock = acquireRunLock(config.dbPath);
  } catch (e) {
    if (!(e instanceof NodeRunningError)) throw e;
    throw new CeremonyError('node_running', `a node is running on ${config.dbPath}${e.pid !== null ? ` (pid ${e.pid})` : ''}; stop it before you ${what}`);
  }
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** Open the database, run `work`, close it. */
export async function withDatabase<T>(config: NodeConfig, work: (db: WriteDb) => Promise<T>): Promise<T> {
  requireFileDatabase(config);
  const db = openDatabase(config.dbPath);
  try {
    return await work(db);
  } finally {
    db.raw.close();
  }
}

/** True when this folder already has an identity: a node id, a recorded key store, or a key file. */
export function hasIdentity(config: NodeConfig, db: WriteDb): boolean {
  return persistedNodeId(db, null) !== null || getKeyCustodyRecord(db) !== null || existsSync(identityPemPath(config.dbPath));
}

/**
 * Whether this folder has an identity (or a node's data) yet, read without opening the database for writing: the
 * desktop asks the operator on a first start. A database holding facts counts, and so does a file it cannot read,
 * so the start itself reports what is wrong with it.
 */
export function folderHasIdentity(config: NodeConfig): boolean {
  if (config.dbPath === ':memory:' || hasConfiguredKey(config) || existsSync(identityPemPath(config.dbPath))) return true;
  if (!existsSync(config.dbPath)) return false;
  let db: Database.Database | null = null;
  try {
    db = new Database(config.dbPath, { readonly: true, fileMustExist: true });
    const held = db.prepare("SELECT (SELECT COUNT(*) FROM node_meta WHERE key IN ('node_id', 'key_store')) + EXISTS (SELECT 1 FROM facts)").pluck().get();
    return (held as number) > 0;
  } catch {
    return true;
  } finally {
    db?.close();
  }
}

/** The node's signing key as `stigmem serve` would load it here; never creates one. */
export async function loadExistingSigner(ctx: CeremonyContext, db: WriteDb): Promise<{ signer: Signer; nodeId: string }> {
  if (!hasConfiguredKey(ctx.config) && !hasIdentity(ctx.config, db)) throw noIdentity(ctx.config, INIT_FIRST);
  const keys = await loadNodeKeys(ctx.config, db, ctx.keys);
  return { signer: keys.org, nodeId: keys.nodeId };
}

/** The store that holds the node's own key (refused when the environment supplies the key instead). */
export async function openOwnKeyStore(ctx: CeremonyContext, db: WriteDb, what: string): Promise<{ store: SecretStore; account: string; signer: Signer }> {
  if (hasConfiguredKey(ctx.config)) {
    throw new CeremonyError('configured_key', `the node's key comes from the environment (STIGMEM_NODE_PRIVATE_KEY, _FILE or the federation pair), so there is no stored key to ${what}; unset it to use the node's own key`);
  }
  const { signer } = await loadExistingSigner(ctx, db);
  const opened = openRecordedKeyStore(ctx.config, db, ctx.keys);
  if (!opened) throw new CeremonyError('no_identity', `the data folder ${dataDirOf(ctx.config)} records no key store`);
  return { ...opened, signer };
}

/** The public facts about a key that a ceremony prints and records (never the key itself). */
export interface KeySummary {
  publicKey: string;
  keyId: string;
  fingerprint: string;
  approvalFingerprint: string;
}

export function keySummary(signer: Signer): KeySummary {
  return { publicKey: signer.publicKey, keyId: signer.keyId, fingerprint: signer.fingerprint, approvalFingerprint: approvalFingerprint(signer.publicKey) };
}
