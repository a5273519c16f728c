// The transparency log in SQLite: leaves and complete-subtree hashes, appended once and never rewritten.
import { createHash } from 'node:crypto';
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';
import { canonicalJcsBytes } from '../json/canonical.js';
import { inclusionProof, treeRoot, type SubtreeSource } from './merkle.js';
import { leafHash, nodeHash } from './verifier.js';

export const LOG_KINDS = ['manifest', 'key_rotation', 'token_revocation'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** Where a leaf sits in the log, with a proof against the tree of `tree_size` (what PUT and GET return). */
export interface LogEntry {
  log_id: string;
  log_index: number;
  leaf_hash: string;
  integrated_time: number;
  tree_size: number;
  root_hash: string;
  inclusion_proof: string[];
}

export interface LeafRow {
  log_index: number;
  kind: LogKind;
  leaf_hash: Buffer;
  entry: Buffer;
  integrated_time: number;
}

const LOG_ID_KEY = 'log_id';

/** Our log id: the first 16 hex of SHA-256 of the org public key that created the log (fixed thereafter, so rotation does not rename it). */
export function logIdForKey(publicKeyBytes: Uint8Array): string {
  return createHash('sha256').update(publicKeyBytes).digest('hex').slice(0, 16);
}

/** Name the log on first start; later starts keep the stored name. */
export function initTransparencyLog(db: WriteDb, orgPublicKeyBytes: Uint8Array): string {
  db.run(sql`INSERT OR IGNORE INTO tl_meta (key, value) VALUES (${LOG_ID_KEY}, ${logIdForKey(orgPublicKeyBytes)})`);
  return transparencyLogId(db);
}

export function transparencyLogId(db: ReadDb): string {
  const row = db.get<{ value: string }>(sql`SELECT value FROM tl_meta WHERE key = ${LOG_ID_KEY}`);
  if (!row) throw new Error('the transparency log has not been initialised');
  return row.value;
}

export function treeSize(db: ReadDb): number {
  const row = db.get<{ last: number | null }>(sql`SELECT MAX(log_index) AS last FROM tl_leaves`);
  return row?.last === null || row?.last === undefined ? 0 : row.last + 1;
}

export function readLeaf(db: ReadDb, index: number): LeafRow | undefined {
  return db.get<LeafRow>(sql`SELECT log_index, kind, leaf_hash, entry, integrated_time FROM tl_leaves WHERE log_index = ${index}`);
}

/** Stored subtree hashes; a missing one means the caller asked outside the tree, which is a bug, not bad input. */
export function storedSubtrees(db: ReadDb): SubtreeSource {
  return (level, index) => {
    const row = level === 0
      ? db.get<{ hash: Buffer }>(sql`SELECT leaf_hash AS hash FROM tl_leaves WHERE log_index = ${index}`)
      : db.get<{ hash: Buffer }>(sql`SELECT hash FROM tl_nodes WHERE level = ${level} AND node_index = ${index}`);
    if (!row) throw new Error(`transparency log subtree (${level}, ${index}) is missing`);
    return row.hash;
  };
}

export function rootHashAt(db: ReadDb, size: number): Buffer {
  return treeRoot(storedSubtrees(db), size);
}

/** The log entry of leaf `index` with its inclusion proof in the tree of `size` (the current tree by default). */
export function logEntryAt(db: ReadDb, index: number, size = treeSize(db)): LogEntry | null {
  const leaf = readLeaf(db, index);
  if (!leaf || index >= size) return null;
  const src = storedSubtrees(db);
  return {
    log_id: transparencyLogId(db),
    log_index: index,
    leaf_hash: leaf.leaf_hash.toString('hex'),
    integrated_time: leaf.integrated_time,
    tree_size: size,
    root_hash: treeRoot(src, size).toString('hex'),
    inclusion_proof: inclusionProof(src, index, size).map((h) => h.toString('hex')),
  };
}

/**
 * Append one entry (hashed as its canonical JCS bytes) and return its log entry in the new tree.
 * Each complete subtree the new leaf closes is stored once, so appending never rehashes old leaves.
 */
export function appendLogEntry(db: WriteDb, kind: LogKind, entry: object, nowMs: number): LogEntry {
  const bytes = canonicalJcsBytes(entry);
  return db.transaction(() => {
    const index = treeSize(db);
    const leaf = leafHash(bytes);
    db.run(sql`INSERT INTO tl_leaves (log_index, kind, leaf_hash, entry, integrated_time)
      VALUES (${index}, ${kind}, ${leaf}, ${bytes}, ${Math.floor(nowMs / 1000)})`);
    const src = storedSubtrees(db);
    let level = 0;
    let position = index;
    let hash = leaf;
    // A right child completes its parent: climb while the subtree just finished is a right child.
    while (position % 2 === 1) {
      hash = nodeHash(src(level, position - 1), hash);
      level += 1;
      position = Math.floor(position / 2);
      db.run(sql`INSERT INTO tl_nodes (level, node_index, hash) VALUES (${level}, ${position}, ${hash})`);
    }
    return logEntryAt(db, index, index + 1)!;
  });
}
