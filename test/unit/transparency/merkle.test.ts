// The Merkle algorithms against RFC 6962's definitions (a naive oracle) and the certificate-transparency test vectors.
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, treeRoot, type SubtreeSource } from '../../../src/main/node/transparency/merkle.js';
import {
  EMPTY_TREE_ROOT, leafHash, nodeHash, rootFromInclusionProof, verifyConsistency, verifyInclusion,
} from '../../../src/main/node/transparency/verifier.js';
import { naiveConsistency, naiveMth, naivePath } from './naive.js';

/** A source that computes complete subtrees from the leaves, as the DB stores them. */
function memorySource(leaves: Uint8Array[]): SubtreeSource {
  return (level, index) => {
    const width = 2 ** level;
    const slice = leaves.slice(index * width, (index + 1) * width);
    if (slice.length !== width) throw new Error(`incomplete subtree (${level}, ${index})`);
    return naiveMth(slice);
  };
}

const hex = (b: Buffer[]): string[] => b.map((x) => x.toString('hex'));
const dataLeaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`leaf-${i}`));

// The eight inputs of the certificate-transparency reference tests (merkle_tree_test.cc).
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((x) => Buffer.from(x, 'hex'));
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(treeRoot(memorySource([]), 0).equals(EMPTY_TREE_ROOT)).toBe(true);
  });

  it('separates leaves from nodes with the 0x00 / 0x01 prefixes', () => {
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(CT_ROOTS[0]);
    expect(nodeHash(leafHash(CT_INPUTS[0]!), leafHash(CT_INPUTS[1]!)).toString('hex')).toBe(CT_ROOTS[1]);
  });

  it('reproduces the certificate-transparency roots for sizes 1..8', () => {
    for (let n = 1; n <= 8; n++) {
      expect(treeRoot(memorySource(CT_INPUTS.slice(0, n)), n).toString('hex')).toBe(CT_ROOTS[n - 1]);
    }
  });

  it('reproduces the certificate-transparency audit paths and consistency proofs', () => {
    const src = memorySource(CT_INPUTS);
    expect(hex(inclusionProof(src, 0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(src, 5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(src, 1, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(consistencyProof(src, 6, 8))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(src, 2, 5))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });
});

describe('tree algorithms against the naive oracle', () => {
  const leaves = dataLeaves(40);

  it('agree on every root, audit path and consistency proof up to 40 leaves, and every proof verifies', () => {
    for (let n = 1; n <= leaves.length; n++) {
      const prefix = leaves.slice(0, n);
      const src = memorySource(prefix);
      const root = treeRoot(src, n);
      expect(root.equals(naiveMth(prefix))).toBe(true);
      for (let m = 0; m < n; m++) {
        const path = inclusionProof(src, m, n);
        expect(hex(path)).toEqual(hex(naivePath(m, prefix)));
        expect(verifyInclusion(leafHash(prefix[m]!), m, n, path, root)).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(src, m, n);
        expect(hex(proof)).toEqual(hex(naiveConsistency(m, prefix)));
        expect(verifyConsistency(m, n, naiveMth(prefix.slice(0, m)), root, proof)).toBe(true);
      }
    }
  });
});

describe('the offline verifier refuses what does not prove', () => {
  const leaves = dataLeaves(13);
  const src = memorySource(leaves);
  const root = treeRoot(src, 13);
  const leaf5 = leafHash(leaves[5]!);
  const path5 = inclusionProof(src, 5, 13);

  it('accepts hex strings as well as bytes', () => {
    expect(verifyInclusion(leaf5.toString('hex'), 5, 13, hex(path5), root.toString('hex'))).toBe(true);
  });

  it('rejects a wrong leaf, index, size, root or a tampered, shortened or lengthened path', () => {
    expect(verifyInclusion(leafHash(leaves[6]!), 5, 13, path5, root)).toBe(false);
    expect(verifyInclusion(leaf5, 4, 13, path5, root)).toBe(false);
    // A size whose tree has a different shape (the size itself is bound by the signed checkpoint, not the path).
    expect(verifyInclusion(leaf5, 5, 6, path5, root)).toBe(false);
    expect(verifyInclusion(leaf5, 5, 40, path5, root)).toBe(false);
    expect(verifyInclusion(leaf5, 5, 13, path5, treeRoot(src, 12))).toBe(false);
    const tampered = path5.map((p, i) => (i === 1 ? Buffer.from(p).fill(7, 0, 1) : p));
    expect(verifyInclusion(leaf5, 5, 13, tampered, root)).toBe(false);
    expect(verifyInclusion(leaf5, 5, 13, path5.slice(1), root)).toBe(false);
    expect(verifyInclusion(leaf5, 5, 13, [...path5, root], root)).toBe(false);
  });

  it('rejects malformed input without throwing', () => {
    const bad: unknown[] = [null, 'zz', '', 'ab'.repeat(31), 42, {}, []];
    for (const b of bad) {
      expect(verifyInclusion(b as string, 5, 13, path5, root)).toBe(false);
      expect(verifyInclusion(leaf5, 5, 13, [b as string], root)).toBe(false);
      expect(verifyInclusion(leaf5, 5, 13, path5, b as string)).toBe(false);
    }
    for (const i of [-1, 13, 1.5, Number.NaN, Infinity, 2 ** 60]) expect(verifyInclusion(leaf5, i, 13, path5, root)).toBe(false);
    expect(rootFromInclusionProof(leaf5, 0, 0, [])).toBeNull();
    expect(verifyInclusion(leaf5, 5, 13, 'not-a-list' as unknown as string[], root)).toBe(false);
  });

  it('rejects inconsistent trees and tampered consistency proofs', () => {
    const first = treeRoot(src, 7);
    const proof = consistencyProof(src, 7, 13);
    expect(verifyConsistency(7, 13, first, root, proof)).toBe(true);
    expect(verifyConsistency(7, 13, treeRoot(src, 6), root, proof)).toBe(false);
    expect(verifyConsistency(6, 13, first, root, proof)).toBe(false);
    expect(verifyConsistency(7, 13, first, root, proof.slice(0, -1))).toBe(false);
    expect(verifyConsistency(7, 13, first, root, [])).toBe(false);
    expect(verifyConsistency(13, 7, root, first, proof)).toBe(false);
    const other = memorySource([...leaves.slice(0, 7), ...dataLeaves(6).map((b) => Buffer.concat([b, Buffer.from('x')]))]);
    expect(verifyConsistency(7, 13, first, treeRoot(other, 13), proof)).toBe(false);
  });

  it('treats equal sizes and the empty tree as the RFC does', () => {
    expect(verifyConsistency(13, 13, root, root, [])).toBe(true);
    expect(verifyConsistency(13, 13, root, treeRoot(src, 12), [])).toBe(false);
    expect(verifyConsistency(0, 13, EMPTY_TREE_ROOT, root, [])).toBe(true);
    expect(verifyConsistency(0, 13, root, root, [])).toBe(false);
  });
});
