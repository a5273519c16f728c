// Entity and source normalisation (REFERENCE-NODE.md §10.5), with Python's idea of whitespace, and relation hints.

export class EntityNormalisationError extends Error {}

// Python's `\s` and `str.strip()` whitespace: JS `\s` lacks U+001C–U+001F and U+0085, and wrongly has U+FEFF.
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_RUN = new RegExp(`[${PY_WS}]+`, 'g');
const EDGE_WS = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');
// Python's `.` stops only at \n (JS's also stops at \r, U+2028, U+2029), so the id part excludes \n alone.
const FORMAL_URI = /^stigmem:\/\/([^/]+)\/([^/]+)\/([^\n]+)$/;

function pyStrip(s: string): string {
  return s.replace(EDGE_WS, '');
}

function pyRepr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The canonical form of an entity or source URI; throws on empty input or an empty formal component. */
export function normaliseEntityUri(raw: string): string {
  const stripped = pyStrip(raw);
  if (stripped === '') throw new EntityNormalisationError('entity URI must not be empty');
  const m = FORMAL_URI.exec(stripped);
  if (m) {
    const authority = pyStrip(m[1]!).toLowerCase();
    const type = pyStrip(m[2]!).toLowerCase();
    const id = pyStrip(m[3]!).toLowerCase().replace(WS_RUN, '-');
    if (!authority || !type || !id) throw new EntityNormalisationError(`normalization produced empty component in formal URI: ${pyRepr(raw)}`);
    return `stigmem://${authority}/${type}/${id}`;
  }
  return stripped.toLowerCase().replace(WS_RUN, '-');
}

/** Query filters normalise like writes, falling back to the raw value when it cannot be normalised. */
export function normaliseOrRaw(raw: string): string {
  try {
    return normaliseEntityUri(raw);
  } catch {
    return raw;
  }
}

export const SYSTEM_PREFIX = 'stigmem:';

/** Reserved `stigmem:` names (but not `stigmem://` URIs) are the node's own bookkeeping. */
export function isSystemName(name: string): boolean {
  return name.startsWith(SYSTEM_PREFIX) && !name.startsWith('stigmem://');
}

/** Convention warnings the reference attaches to a write (relation-convention.md). */
export function relationWarnings(relation: string): string[] {
  if (!relation.includes(':')) {
    return [
      `bare relation ${pyRepr(relation)} has no namespace prefix; rename to 'your-prefix:${relation}' to prevent silent collisions (see relation-convention.md)`,
    ];
  }
  if (relation.startsWith(SYSTEM_PREFIX)) {
    return [`relation ${pyRepr(relation)} uses reserved system prefix 'stigmem:'; non-system callers should use a custom namespace prefix (see spec §9.1)`];
  }
  return [];
}
