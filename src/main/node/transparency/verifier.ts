// RFC 6962 Merkle hashing and proof verification (verification steps as RFC 9162 §2.1.3.2 and §2.1.4.2).
// Pure functions with no database: a peer or an auditor checks our proofs offline with this module alone.
import { createHash } from 'node:crypto';

export const HASH_BYTES = 32;
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT = sha256();

/** RFC 6962 leaf hash: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, entry);
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** A hash as bytes or as 64 hex characters (how our JSON carries them). */
export type HashInput = Uint8Array | string;

/** The 32 bytes of a hash, or null when the input is not one. */
export function toHashBytes(h: unknown): Buffer | null {
  if (typeof h === 'string') return /^[0-9a-fA-F]{64}$/.test(h) ? Buffer.from(h, 'hex') : null;
  if (h instanceof Uint8Array && h.length === HASH_BYTES) return Buffer.from(h);
  return null;
}

function isTreePosition(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function hashList(proof: unknown): Buffer[] | null {
  if (!Array.isArray(proof) || proof.length > 64) return null;
  const out: Buffer[] = [];
  for (const p of proof) {
    const b = toHashBytes(p);
    if (!b) return null;
    out.push(b);
  }
  return out;
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** The root an inclusion proof implies for `leaf` at `index` in a tree of `treeSize`, or null if the proof is malformed. */
export function rootFromInclusionProof(leaf: HashInput, index: number, treeSize: number, proof: readonly HashInput[]): Buffer | null {
  const hash = toHashBytes(leaf);
  const path = hashList(proof);
  if (!hash || !path || !isTreePosition(index) || !isTreePosition(treeSize) || index >= treeSize) return null;
  let fn = index;
  let sn = treeSize - 1;
  let r = hash;
  for (const p of path) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** True when `proof` shows the leaf hash at `index` is in the tree of `treeSize` whose root is `root`. */
export function verifyInclusion(leaf: HashInput, index: number, treeSize: number, proof: readonly HashInput[], root: HashInput): boolean {
  const expected = toHashBytes(root);
  const computed = rootFromInclusionProof(leaf, index, treeSize, proof);
  return expected !== null && computed !== null && computed.equals(expected);
}

/** True when `proof` shows the tree of `firstSize` (root `firstRoot`) is a prefix of the tree of `secondSize` (root `secondRoot`). */
export function verifyConsistency(firstSize: number, secondSize: number, firstRoot: HashInput, secondRoot: HashInput, proof: readonly HashInput[]): boolean {
  const first = toHashBytes(firstRoot);
  const second = toHashBytes(secondRoot);
  const path = hashList(proof);
  if (!first || !second || !path || !isTreePosition(firstSize) || !isTreePosition(secondSize) || firstSize > secondSize) return false;
  // Every tree extends the empty tree, and a tree is consistent only with itself at the same size.
  if (firstSize === 0) return path.length === 0 && first.equals(EMPTY_TREE_ROOT);
  if (firstSize === secondSize) return path.length === 0 && first.equals(second);
  if (path.length === 0) return false;
  // When the first tree is a complete subtree, its root is the proof's implicit first element.
  if (Number.isInteger(Math.log2(firstSize))) path.unshift(first);
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(first) && sr.equals(second);
}
