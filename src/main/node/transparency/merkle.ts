// RFC 6962 §2.1 tree algorithms (MTH, PATH, PROOF) over stored complete subtrees, so each answer costs O(log² n) reads.
import { EMPTY_TREE_ROOT, nodeHash } from './verifier.js';

/**
 * The hash of the complete subtree at `level` covering leaves [index·2^level, (index+1)·2^level).
 * Level 0 is a leaf hash. Callers only ask for subtrees that are complete in the tree they describe.
 */
export type SubtreeSource = (level: number, index: number) => Buffer;

const isPowerOfTwo = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n));

/** The largest power of two strictly below n (n ≥ 2): RFC 6962's split point k. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:start+size]) for size ≥ 1. */
export function rangeHash(src: SubtreeSource, start: number, size: number): Buffer {
  if (size === 1) return src(0, start);
  if (isPowerOfTwo(size) && start % size === 0) return src(Math.round(Math.log2(size)), start / size);
  const k = largestPowerOfTwoBelow(size);
  return nodeHash(rangeHash(src, start, k), rangeHash(src, start + k, size - k));
}

/** MTH of the first `size` leaves. */
export function treeRoot(src: SubtreeSource, size: number): Buffer {
  return size === 0 ? EMPTY_TREE_ROOT : rangeHash(src, 0, size);
}

/** PATH(index, D[0:size]): the audit path, leaf-side sibling first. */
export function inclusionProof(src: SubtreeSource, index: number, size: number): Buffer[] {
  if (index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const path = (m: number, start: number, n: number): Buffer[] => {
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k ? [...path(m, start, k), rangeHash(src, start + k, n - k)] : [...path(m - k, start + k, n - k), rangeHash(src, start, k)];
  };
  return path(index, 0, size);
}

/** PROOF(first, D[0:second]) for 1 ≤ first ≤ second. */
export function consistencyProof(src: SubtreeSource, first: number, second: number): Buffer[] {
  if (first < 1 || first > second) throw new RangeError(`no consistency proof from size ${first} to size ${second}`);
  const subproof = (m: number, start: number, n: number, isWholeOldTree: boolean): Buffer[] => {
    if (m === n) return isWholeOldTree ? [] : [rangeHash(src, start, n)];
    const k = largestPowerOfTwoBelow(n);
    return m <= k
      ? [...subproof(m, start, k, isWholeOldTree), rangeHash(src, start + k, n - k)]
      : [...subproof(m - k, start + k, n - k, false), rangeHash(src, start, k)];
  };
  return subproof(first, 0, second, true);
}
