// What a capability token lets its subject write (CONTRACT.md "Capability tokens"): verb `write`, an object that
// covers the fact, and a source that is the subject or under it.
import { normaliseOrRaw } from '../facts/normalise.js';

export type TokenObject =
  | { kind: 'all' }
  | { kind: 'scope'; scope: string }
  | { kind: 'authority'; authority: string }
  | { kind: 'garden'; authority: string; slug: string }
  | { kind: 'entity'; uri: string };

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parseTokenObject(object: string): TokenObject {
  if (object === 'stigmem://facts') return { kind: 'all' };
  const scope = /^stigmem:\/\/facts\/scope:([a-z]+)$/.exec(object);
  if (scope) return { kind: 'scope', scope: scope[1]! };
  const named = /^stigmem:\/\/([^/\s]+)\/(scope|garden)\/([^/\s]+)$/i.exec(object);
  if (named && named[2]!.toLowerCase() === 'scope') return { kind: 'authority', authority: named[1]!.toLowerCase() };
  if (named) return { kind: 'garden', authority: named[1]!.toLowerCase(), slug: decoded(named[3]!).toLowerCase() };
  return { kind: 'entity', uri: normaliseOrRaw(object) };
}

/** The authority of a `stigmem://authority[/…]` URI, lowercased; null for anything else. */
export function authorityOf(uri: string): string | null {
  const m = /^stigmem:\/\/([^/\s]+)/i.exec(uri);
  return m ? m[1]!.toLowerCase() : null;
}

/** `child` is `parent` itself or a path below it (whole segments only). */
export function isUnder(child: string, parent: string): boolean {
  const p = parent.replace(/\/+$/, '');
  return child === p || child.startsWith(`${p}/`);
}

export interface TokenGrant {
  issuer: string;
  subject: string;
  verb: string;
  object: string;
}

/** The fact as it will be stored (entity and source normalised) and where it goes. */
export interface TokenWrite {
  entity: string;
  source: string;
  scope: string;
  interpretAs: string;
  /** The slug of the garden the write names, or null. */
  gardenSlug: string | null;
}

export interface WriteContextForTokens {
  /** The token's issuer is an entity this node signs for. */
  ownIssuer: boolean;
  /** Authorities that name this node in garden URIs (node URL host, org entity authority). */
  localAuthorities: readonly string[];
}

/** null when the token covers the write, else the reason for a 403 insufficient_capability. */
export function tokenWriteRefusal(grant: TokenGrant, w: TokenWrite, ctx: WriteContextForTokens): string | null {
  if (grant.verb !== 'write') return `token verb must be 'write' (it is '${grant.verb.slice(0, 64)}')`;
  if (w.interpretAs === 'instruction') return 'capability tokens do not grant instruction writes';
  const subject = normaliseOrRaw(grant.subject);
  if (!isUnder(w.source, subject)) return 'fact source must be the token subject or under it';
  const obj = parseTokenObject(grant.object);
  const issuerAuthority = authorityOf(grant.issuer);
  // A foreign organisation may only delegate writes about its own entities; the rest of this store is not its to grant.
  if (!ctx.ownIssuer) {
    const aboutIssuer = (obj.kind === 'authority' && obj.authority === issuerAuthority) || (obj.kind === 'entity' && issuerAuthority !== null && isUnder(obj.uri, `stigmem://${issuerAuthority}`));
    if (!aboutIssuer) return 'a token issued by another organisation may only grant writes about its own entities';
  }
  if (obj.kind === 'garden') {
    if (w.gardenSlug === null) return `token object covers writes into garden '${obj.slug}' only (set garden_id)`;
    if (w.gardenSlug !== obj.slug || !ctx.localAuthorities.includes(obj.authority)) return 'token object does not cover this garden';
    return null;
  }
  if (w.gardenSlug !== null) return 'token object does not cover garden writes';
  switch (obj.kind) {
    case 'all':
      return null;
    case 'scope':
      return obj.scope === w.scope ? null : 'token object does not cover scope';
    case 'authority':
      if (w.scope === 'local') return 'token object does not cover local-scope facts';
      return authorityOf(w.entity) === obj.authority ? null : 'token object does not cover this entity';
    case 'entity':
      return w.entity === obj.uri ? null : 'token object does not cover this entity';
  }
}
