// An independent, deliberately naive RFC 6962 §2.1 implementation straight from the definitions, used as the oracle.
import { createHash } from 'node:crypto';

const h = (...parts: Uint8Array[]): Buffer => {
  const x = createHash('sha256');
  for (const p of parts) x.update(p);
  return x.digest();
};

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

export function naiveMth(leaves: Uint8Array[]): Buffer {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return h(Uint8Array.of(0), leaves[0]!);
  const s = k(leaves.length);
  return h(Uint8Array.of(1), naiveMth(leaves.slice(0, s)), naiveMth(leaves.slice(s)));
}

export function naivePath(m: number, leaves: Uint8Array[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const s = k(leaves.length);
  return m < s
    ? [...naivePath(m, leaves.slice(0, s)), naiveMth(leaves.slice(s))]
    : [...naivePath(m - s, leaves.slice(s)), naiveMth(leaves.slice(0, s))];
}

function subproof(m: number, leaves: Uint8Array[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [naiveMth(leaves)];
  const s = k(n);
  return m <= s
    ? [...subproof(m, leaves.slice(0, s), b), naiveMth(leaves.slice(s))]
    : [...subproof(m - s, leaves.slice(s), false), naiveMth(leaves.slice(0, s))];
}

export function naiveConsistency(m: number, leaves: Uint8Array[]): Buffer[] {
  return subproof(m, leaves, true);
}
