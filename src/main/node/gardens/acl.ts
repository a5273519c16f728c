// Garden lookup and the garden ACL that fact reads and writes apply (Spec-02, REFERENCE-NODE.md §8.1, §10.1).
import type { Principal } from '../auth/permissions.js';
import { hasPermission } from '../auth/permissions.js';
import { sql, type ReadDb } from '../db/sql.js';

export const GARDEN_ROLES = ['admin', 'writer', 'reader', 'quarantine:moderator'] as const;
export type GardenRole = (typeof GARDEN_ROLES)[number];

export interface GardenRow {
  id: string;
  slug: string;
  name: string;
  scope: 'local' | 'team' | 'company' | 'public';
  description: string | null;
  created_by: string;
  created_at: string;
  quarantine: 0 | 1;
  deleted_at: string | null;
}

/** The slug named by a garden URI `stigmem://<authority>/garden/<slug>`, or null if `ref` is not one. */
export function slugFromGardenUri(ref: string): string | null {
  const m = /^stigmem:\/\/[^/]+\/garden\/([^/?#]+)$/.exec(ref);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** A live garden by id, slug or garden URI. */
export function findGarden(db: ReadDb, ref: string): GardenRow | undefined {
  const slug = slugFromGardenUri(ref) ?? ref.trim().toLowerCase();
  // An id match wins, so a slug shaped like another garden's UUID can never shadow that garden.
  return db.get<GardenRow>(sql`SELECT * FROM gardens WHERE deleted_at IS NULL AND (id = ${ref} OR slug = ${slug})
    ORDER BY (id = ${ref}) DESC LIMIT 1`);
}

export function gardenUri(nodeUrl: string, slug: string): string {
  return `stigmem://${new URL(nodeUrl).host}/garden/${slug}`;
}

export function memberRole(db: ReadDb, gardenId: string, entityUri: string): GardenRole | null {
  return db.get<{ role: GardenRole }>(sql`SELECT role FROM garden_members WHERE garden_id = ${gardenId} AND entity_uri = ${entityUri}`)?.role ?? null;
}

/** Node admins see every garden; everyone else sees the gardens they belong to. */
export function canReadGarden(db: ReadDb, principal: Principal, gardenId: string): boolean {
  return hasPermission(principal, 'admin') || memberRole(db, gardenId, principal.entityUri) !== null;
}

/** null when the caller may write facts into the garden, else the 403 detail the reference gives. */
export function gardenWriteRefusal(db: ReadDb, principal: Principal, gardenId: string): string | null {
  if (hasPermission(principal, 'admin')) return null;
  const role = memberRole(db, gardenId, principal.entityUri);
  if (role === null) return 'not a member of this garden';
  if (role === 'reader') return 'write permission required — you are a reader in this garden';
  return null;
}

/** The garden ids whose facts this caller may read (undefined = every garden, for node admins). */
export function readableGardenIds(db: ReadDb, principal: Principal): string[] | undefined {
  if (hasPermission(principal, 'admin')) return undefined;
  return db.all<{ garden_id: string }>(sql`SELECT garden_id FROM garden_members WHERE entity_uri = ${principal.entityUri}`).map((r) => r.garden_id);
}

/** Callers with node `write` see and read every garden's record, as the reference treats them as node admins. */
export function seesAllGardens(principal: Principal): boolean {
  return hasPermission(principal, 'write');
}

/** null when the caller may view the garden record and member list, else the 403 detail. */
export function gardenViewRefusal(db: ReadDb, principal: Principal, gardenId: string): string | null {
  if (seesAllGardens(principal) || memberRole(db, gardenId, principal.entityUri) !== null) return null;
  return 'not a member of this garden';
}

/** null when the caller may delete the garden or manage its members (garden admin, or node admin), else the 403 detail. */
export function gardenAdminRefusal(db: ReadDb, principal: Principal, gardenId: string): string | null {
  if (hasPermission(principal, 'admin') || memberRole(db, gardenId, principal.entityUri) === 'admin') return null;
  return 'garden admin permission required';
}
