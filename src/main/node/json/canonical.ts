// The two canonical JSON flavours that signatures and CIDs are computed over (REFERENCE-NODE.md §0, §3.3).
import { encodeJson } from './pyjson.js';

/** "JCS flavour": sorted keys, no whitespace, raw UTF-8, Python float repr. Manifests, tokens, CIDs, TL leaves. */
export function canonicalJcs(value: unknown): string {
  return encodeJson(value, { sortKeys: true });
}

/** "ASCII flavour": as canonicalJcs, but every code point above 0x7E escaped. Peer declarations, snapshots. */
export function canonicalAscii(value: unknown): string {
  return encodeJson(value, { sortKeys: true, asciiOnly: true });
}

export function canonicalJcsBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJcs(value), 'utf8');
}

export function canonicalAsciiBytes(value: unknown): Buffer {
  return Buffer.from(canonicalAscii(value), 'utf8');
}
