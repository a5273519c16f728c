// Permissions held by API keys (REFERENCE-NODE.md §1.1, §11).

export const PERMISSIONS = ['read', 'write', 'instruction:write', 'federate', 'admin', 'admin:federation', 'audit.read'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What POST /v1/auth/keys may grant (the reference does not let it grant admin:federation). */
export const MINTABLE_PERMISSIONS: readonly Permission[] = ['read', 'write', 'instruction:write', 'federate', 'admin', 'audit.read'];

export const ANONYMOUS_PERMISSIONS: readonly Permission[] = ['read', 'write', 'federate'];

export function isPermission(p: unknown): p is Permission {
  return typeof p === 'string' && (PERMISSIONS as readonly string[]).includes(p);
}

export type PrincipalKind = 'api_key' | 'anonymous' | 'admin_console' | 'capability';

/** A verified capability token presented instead of an API key (it may only write facts, by its own rules). */
export interface CapabilityGrant {
  tokenId: string;
  issuer: string;
  subject: string;
  verb: string;
  object: string;
  expiry: string;
  /** The token as presented, kept with the facts it authorised. */
  tokenJson: string;
}

export interface Principal {
  kind: PrincipalKind;
  /** The entity this caller acts as (an API key's entity_uri, or anon:trusted). */
  entityUri: string;
  permissions: ReadonlySet<Permission>;
  apiKeyId: string | null;
  capability?: CapabilityGrant;
}

export function anonymousPrincipal(): Principal {
  return { kind: 'anonymous', entityUri: 'anon:trusted', permissions: new Set(ANONYMOUS_PERMISSIONS), apiKeyId: null };
}

export function hasPermission(p: Principal | null, perm: Permission): boolean {
  return p !== null && (p.permissions.has(perm) || p.permissions.has('admin'));
}
