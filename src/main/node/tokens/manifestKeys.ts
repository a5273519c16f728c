// The keys a held manifest vouches for: its current key, then (newest first) the keys it rotated away from.
import { fromBase64Url } from '../crypto/base64url.js';
import type { StoredManifest } from '../manifests/store.js';
import { parseIsoTimestamp } from '../manifests/timestamps.js';

/** Tokens issued under a retired key stay valid this long after the rotation (REFERENCE-NODE.md §9.3). */
export const DUAL_TRUST_MS = 90 * 86_400_000;

export interface VouchedKey {
  publicKey: Buffer;
  keyId: string;
  /** 'current', or the retired key of a rotation event. */
  kind: 'current' | 'previous';
  /** For a retired key: when it was rotated away (epoch ms). */
  rotatedAtMs: number | null;
}

interface ParsedKeys {
  current: VouchedKey | null;
  previous: VouchedKey[];
}

// A stored manifest document never changes, so its parsed keys can be kept (keyed by the document itself, since
// several databases may live in one process).
const cache = new Map<string, ParsedKeys>();
const MAX_CACHED = 1000;

interface RotationDoc {
  previous_public_key?: unknown;
  previous_key_id?: unknown;
  rotated_at?: unknown;
}

function parseKeys(m: StoredManifest): ParsedKeys {
  const pk = fromBase64Url(m.public_key);
  const current: VouchedKey | null = pk && pk.length === 32 ? { publicKey: pk, keyId: m.key_id, kind: 'current', rotatedAtMs: null } : null;
  const previous: VouchedKey[] = [];
  let events: RotationDoc[] = [];
  try {
    const doc = JSON.parse(m.document) as { rotation_events?: unknown };
    if (Array.isArray(doc.rotation_events)) events = doc.rotation_events as RotationDoc[];
  } catch {
    events = [];
  }
  for (const e of [...events].reverse()) {
    if (typeof e.previous_public_key !== 'string' || typeof e.rotated_at !== 'string') continue;
    const key = fromBase64Url(e.previous_public_key);
    const at = parseIsoTimestamp(e.rotated_at);
    if (!key || key.length !== 32 || !at.ok) continue;
    previous.push({ publicKey: key, keyId: typeof e.previous_key_id === 'string' ? e.previous_key_id : '', kind: 'previous', rotatedAtMs: Number(at.epochUs / 1000n) });
  }
  return { current, previous };
}

/**
 * Keys to try for a signature under this manifest. With `dualTrustAt`, retired keys count only inside their 90-day
 * window at that time (tokens); without it every retired key is listed (checking what was signed in the past).
 */
export function manifestKeys(m: StoredManifest, dualTrustAt?: number): VouchedKey[] {
  let parsed = cache.get(m.document);
  if (!parsed) {
    parsed = parseKeys(m);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(m.document, parsed);
  }
  const previous = dualTrustAt === undefined ? parsed.previous : parsed.previous.filter((k) => dualTrustAt < (k.rotatedAtMs ?? 0) + DUAL_TRUST_MS);
  return parsed.current ? [parsed.current, ...previous] : previous;
}
