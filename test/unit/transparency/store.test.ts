// The SQLite-backed log: appends match the RFC 6962 oracle, history cannot be rewritten, and cost stays logarithmic.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { sql, type WriteDb } from '../../../src/main/node/db/sql.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { signCheckpoint, verifyCheckpoint } from '../../../src/main/node/transparency/checkpoint.js';
import { consistencyProof } from '../../../src/main/node/transparency/merkle.js';
import {
  appendLogEntry, initTransparencyLog, logEntryAt, logIdForKey, readLeaf, rootHashAt, storedSubtrees, transparencyLogId, treeSize,
} from '../../../src/main/node/transparency/store.js';
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../../../src/main/node/transparency/verifier.js';
import { naiveMth } from './naive.js';

const ORG = signerFromSeed(new Uint8Array(32).fill(7), 'test');

function freshLog(): WriteDb {
  const db = openDatabase(':memory:');
  initTransparencyLog(db, ORG.publicKeyBytes);
  return db;
}

/** A view of `db` that counts statements, to show each append and proof touches O(log n) rows. */
function counting(db: WriteDb) {
  const counts = { reads: 0, writes: 0 };
  const view: WriteDb = {
    kind: 'write',
    raw: db.raw,
    all: (q) => (counts.reads++, db.all(q)),
    allRaw: (q) => (counts.reads++, db.allRaw(q)),
    get: (q) => (counts.reads++, db.get(q)),
    run: (q) => (counts.writes++, db.run(q)),
    transaction: (fn) => db.transaction(fn),
  };
  return { view, counts };
}

describe('appendLogEntry', () => {
  it('names the log after the creating key and keeps that name', () => {
    const db = freshLog();
    expect(transparencyLogId(db)).toBe(logIdForKey(ORG.publicKeyBytes));
    expect(transparencyLogId(db)).toBe(ORG.keyId.slice(0, 16));
    initTransparencyLog(db, new Uint8Array(32).fill(9));
    expect(transparencyLogId(db)).toBe(ORG.keyId.slice(0, 16));
  });

  it('hashes canonical bytes as RFC 6962 leaves and matches the oracle at every size', () => {
    const db = freshLog();
    const entries: Buffer[] = [];
    for (let i = 0; i < 37; i++) {
      const entry = { kind_hint: 'test', n: i, text: `é-${i}`, nested: { b: 1, a: [true, null] } };
      entries.push(canonicalJcsBytes(entry));
      const e = appendLogEntry(db, i % 3 === 0 ? 'manifest' : i % 3 === 1 ? 'key_rotation' : 'token_revocation', entry, 1_700_000_000_123 + i);
      expect(e.log_index).toBe(i);
      expect(e.tree_size).toBe(i + 1);
      expect(e.integrated_time).toBe(1_700_000_000 + Math.floor((123 + i) / 1000));
      expect(e.leaf_hash).toBe(leafHash(entries[i]!).toString('hex'));
      expect(e.root_hash).toBe(naiveMth(entries).toString('hex'));
      expect(verifyInclusion(e.leaf_hash, e.log_index, e.tree_size, e.inclusion_proof, e.root_hash)).toBe(true);
    }
    expect(treeSize(db)).toBe(37);
    expect(readLeaf(db, 4)?.entry.equals(entries[4]!)).toBe(true);
    expect(readLeaf(db, 4)?.kind).toBe('key_rotation');
    // Old entries prove against the current tree, and every older tree is a prefix of it.
    const later = logEntryAt(db, 3)!;
    expect(later.tree_size).toBe(37);
    expect(verifyInclusion(later.leaf_hash, 3, 37, later.inclusion_proof, later.root_hash)).toBe(true);
    const src = storedSubtrees(db);
    for (const m of [1, 5, 16, 30]) {
      const proof = consistencyProof(src, m, 37);
      expect(verifyConsistency(m, 37, rootHashAt(db, m), rootHashAt(db, 37), proof)).toBe(true);
    }
  });

  it('refuses to rewrite or delete history', () => {
    const db = freshLog();
    appendLogEntry(db, 'manifest', { a: 1 }, 0);
    appendLogEntry(db, 'manifest', { a: 2 }, 0);
    expect(() => db.run(sql`UPDATE tl_leaves SET entry = ${Buffer.from('{}')} WHERE log_index = 0`)).toThrow(/append-only/);
    expect(() => db.run(sql`DELETE FROM tl_leaves WHERE log_index = 1`)).toThrow(/append-only/);
    expect(() => db.run(sql`UPDATE tl_nodes SET hash = ${Buffer.alloc(32)}`)).toThrow(/append-only/);
    expect(() => db.run(sql`DELETE FROM tl_nodes`)).toThrow(/append-only/);
    expect(() => db.run(sql`INSERT INTO tl_leaves (log_index, kind, leaf_hash, entry, integrated_time)
      VALUES (5, 'gossip', ${Buffer.alloc(32)}, ${Buffer.from('{}')}, 0)`)).toThrow(/CHECK/);
    expect(treeSize(db)).toBe(2);
  });

  it('rolls the leaf back when the log was never initialised', () => {
    const db = openDatabase(':memory:');
    expect(() => appendLogEntry(db, 'manifest', { a: 1 }, 0)).toThrow(/not been initialised/);
    expect(treeSize(db)).toBe(0);
  });
});

describe('at 100,000 leaves', () => {
  /** Build the stored tree for `n` leaves directly, level by level, as the appends would have. */
  function bulkLog(n: number): { db: WriteDb; root: Buffer } {
    const db = freshLog();
    const entry = (i: number): Buffer => Buffer.from(`{"i":${i}}`);
    // Random leaf hashes stand in for hashed entries: the tree above them is what is measured.
    const random = randomBytes(32 * n);
    let level: Buffer[] = Array.from({ length: n }, (_, i) => random.subarray(32 * i, 32 * (i + 1)));
    const insertLeaf = db.raw.prepare(`INSERT INTO tl_leaves (log_index, kind, leaf_hash, entry, integrated_time) VALUES (?, 'manifest', ?, ?, 0)`);
    const insertNode = db.raw.prepare('INSERT INTO tl_nodes (level, node_index, hash) VALUES (?, ?, ?)');
    db.transaction(() => {
      level.forEach((h, i) => insertLeaf.run(i, h, entry(i)));
      for (let depth = 1; level.length > 1; depth++) {
        const up: Buffer[] = [];
        for (let i = 0; i + 1 < level.length; i += 2) {
          up.push(nodeHash(level[i]!, level[i + 1]!));
          insertNode.run(depth, i / 2, up[up.length - 1]!);
        }
        // RFC 6962's unbalanced tree: a lone right node is promoted unchanged (the independent bottom-up root).
        if (level.length % 2 === 1) up.push(level[level.length - 1]!);
        level = up;
      }
    });
    return { db, root: level[0]! };
  }

  it('appends and proves with O(log n) reads and writes, and the proofs verify', () => {
    const n = 100_000;
    const { db, root } = bulkLog(n);
    expect(rootHashAt(db, n).equals(root)).toBe(true);
    const { view, counts } = counting(db);
    const e = appendLogEntry(view, 'token_revocation', { revoked: 'x' }, 0);
    expect(e.log_index).toBe(n);
    expect(verifyInclusion(e.leaf_hash, n, n + 1, e.inclusion_proof, e.root_hash)).toBe(true);
    const log2 = Math.ceil(Math.log2(n + 1));
    expect(counts.writes).toBeLessThanOrEqual(1 + log2);
    expect(counts.reads).toBeLessThanOrEqual(6 * log2);
    for (const index of [0, 1, 4097, 65_535, 65_536, 99_999]) {
      counts.reads = 0;
      const p = logEntryAt(view, index)!;
      expect(counts.reads).toBeLessThanOrEqual(6 * log2);
      expect(verifyInclusion(p.leaf_hash, index, n + 1, p.inclusion_proof, p.root_hash)).toBe(true);
    }
    const src = storedSubtrees(db);
    expect(verifyConsistency(n, n + 1, root, rootHashAt(db, n + 1), consistencyProof(src, n, n + 1))).toBe(true);
    expect(verifyConsistency(12_345, n + 1, rootHashAt(db, 12_345), rootHashAt(db, n + 1), consistencyProof(src, 12_345, n + 1))).toBe(true);
  });
});

describe('signed checkpoints', () => {
  it('sign the current size and root with the org key and verify offline', () => {
    const db = freshLog();
    const empty = signCheckpoint(db, ORG, 1_800_000_000_000);
    expect(empty.tree_size).toBe(0);
    expect(empty.root_hash).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(verifyCheckpoint(empty, ORG.publicKey)).toBe(true);
    appendLogEntry(db, 'manifest', { a: 1 }, 0);
    const cp = signCheckpoint(db, ORG, 1_800_000_000_000);
    expect(cp).toMatchObject({ log_id: ORG.keyId.slice(0, 16), tree_size: 1, signer_public_key: ORG.publicKey, key_id: ORG.keyId });
    expect(cp.timestamp).toBe('2027-01-15T08:00:00.000000+00:00');
    expect(verifyCheckpoint(cp)).toBe(true);
    expect(verifyCheckpoint(cp, ORG.publicKey)).toBe(true);
    expect(verifyCheckpoint(cp, signerFromSeed(new Uint8Array(32).fill(8), 't').publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...cp, tree_size: 2 })).toBe(false);
    expect(verifyCheckpoint({ ...cp, root_hash: empty.root_hash })).toBe(false);
    expect(verifyCheckpoint({ ...cp, tree_size: '1' })).toBe(false);
    expect(verifyCheckpoint(null)).toBe(false);
    expect(verifyCheckpoint({ ...cp, signature: 'x' })).toBe(false);
  });
});
