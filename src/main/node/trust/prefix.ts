// Which operator override applies to a source: the source itself, or a prefix that ends at a whole authority or path
// segment, so `stigmem://org-b.example` covers `stigmem://org-b.example/agent/bot` but never `stigmem://org-b.example.evil`.
import { normaliseOrRaw } from '../facts/normalise.js';

export const MAX_SOURCE_KEY_CHARS = 2048;

// No control characters: a key is typed by an operator and shown back verbatim.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The stored form of an override key (normalised like a source, no trailing `/` except after `://`), or null if unusable. */
export function normaliseSourceKey(raw: string): string | null {
  if (raw.length === 0 || raw.length > MAX_SOURCE_KEY_CHARS || CONTROL.test(raw)) return null;
  let key = normaliseOrRaw(raw.trim());
  while (key.endsWith('/') && !key.endsWith('://')) key = key.slice(0, -1);
  // A scheme alone (`stigmem://`) names no authority: it would cover every source.
  if (SCHEME_ONLY.test(key)) return null;
  return key.length === 0 || key.length > MAX_SOURCE_KEY_CHARS ? null : key;
}

const SCHEME_ONLY = /^[a-z][a-z0-9+.-]*:\/*$/i;

/** Every key that would match `source`: the source, and each prefix ending just before or just after a `/` that is past its authority. */
export function overrideCandidates(source: string): string[] {
  const normalised = normaliseOrRaw(source);
  const out = new Set<string>([normalised]);
  const authority = normalised.indexOf('://');
  const from = authority >= 0 ? normalised.indexOf('/', authority + 3) : normalised.indexOf('/');
  for (let i = from; i >= 0; i = normalised.indexOf('/', i + 1)) {
    if (i > 0) out.add(normalised.slice(0, i));
    out.add(normalised.slice(0, i + 1));
  }
  return [...out];
}

/** True when the override `key` (stored form) applies to `source`. */
export function keyMatchesSource(key: string, source: string): boolean {
  return overrideCandidates(source).includes(key);
}
