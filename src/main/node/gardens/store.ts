// Garden and membership storage: small repository functions over the gardens and garden_members tables.
import { randomUUID } from 'node:crypto';
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';
import { gardenUri, type GardenRole, type GardenRow } from './acl.js';
import type { GardenRecord, MemberRecord } from './schemas.js';

interface MemberRow {
  garden_id: string;
  entity_uri: string;
  role: GardenRole;
  added_by: string;
  added_at: string;
}

const toMember = (r: MemberRow): MemberRecord => ({ entity_uri: r.entity_uri, role: r.role, added_by: r.added_by, added_at: r.added_at });

export function listMembers(db: ReadDb, gardenId: string): MemberRecord[] {
  return db.all<MemberRow>(sql`SELECT * FROM garden_members WHERE garden_id = ${gardenId} ORDER BY added_at, rowid`).map(toMember);
}

export function getMember(db: ReadDb, gardenId: string, entityUri: string): MemberRecord | null {
  const row = db.get<MemberRow>(sql`SELECT * FROM garden_members WHERE garden_id = ${gardenId} AND entity_uri = ${entityUri}`);
  return row ? toMember(row) : null;
}

export function toGardenRecord(nodeUrl: string, row: GardenRow, members: MemberRecord[]): GardenRecord {
  return {
    id: row.id,
    garden_id: gardenUri(nodeUrl, row.slug),
    slug: row.slug,
    name: row.name,
    scope: row.scope,
    description: row.description,
    created_by: row.created_by,
    created_at: row.created_at,
    members,
    quarantine: row.quarantine === 1,
  };
}

export function isLiveSlugTaken(db: ReadDb, slug: string): boolean {
  return db.get(sql`SELECT 1 FROM gardens WHERE slug = ${slug} AND deleted_at IS NULL`) !== undefined;
}

export interface NewGarden {
  slug: string;
  name: string;
  scope: GardenRow['scope'];
  description: string | null;
  quarantine: boolean;
  createdBy: string;
  createdAt: string;
}

/** Inserts the garden and its creator as its first admin, in one transaction; the caller checked the slug. */
export function insertGarden(db: WriteDb, g: NewGarden): GardenRow {
  const id = randomUUID();
  db.transaction(() => {
    db.run(sql`INSERT INTO gardens (id, slug, name, scope, description, created_by, created_at, quarantine)
      VALUES (${id}, ${g.slug}, ${g.name}, ${g.scope}, ${g.description}, ${g.createdBy}, ${g.createdAt}, ${g.quarantine ? 1 : 0})`);
    db.run(sql`INSERT INTO garden_members (garden_id, entity_uri, role, added_by, added_at)
      VALUES (${id}, ${g.createdBy}, 'admin', ${g.createdBy}, ${g.createdAt})`);
  });
  return db.get<GardenRow>(sql`SELECT * FROM gardens WHERE id = ${id}`)!;
}

/** Live gardens, oldest first: all of them, or those `entityUri` belongs to. */
export function listGardens(db: ReadDb, memberOf: string | null): GardenRow[] {
  if (memberOf === null) return db.all<GardenRow>(sql`SELECT * FROM gardens WHERE deleted_at IS NULL ORDER BY created_at, rowid`);
  return db.all<GardenRow>(sql`SELECT g.* FROM gardens g JOIN garden_members m ON m.garden_id = g.id
    WHERE m.entity_uri = ${memberOf} AND g.deleted_at IS NULL ORDER BY g.created_at, g.rowid`);
}

/** Soft delete: the row stays (facts still name it), the slug is freed. */
export function markGardenDeleted(db: WriteDb, gardenId: string, at: string): void {
  db.run(sql`UPDATE gardens SET deleted_at = ${at} WHERE id = ${gardenId} AND deleted_at IS NULL`);
}

export function insertMember(db: WriteDb, gardenId: string, m: MemberRecord): void {
  db.run(sql`INSERT INTO garden_members (garden_id, entity_uri, role, added_by, added_at)
    VALUES (${gardenId}, ${m.entity_uri}, ${m.role}, ${m.added_by}, ${m.added_at})`);
}

export function updateMemberRole(db: WriteDb, gardenId: string, entityUri: string, role: GardenRole): void {
  db.run(sql`UPDATE garden_members SET role = ${role} WHERE garden_id = ${gardenId} AND entity_uri = ${entityUri}`);
}

export function deleteMember(db: WriteDb, gardenId: string, entityUri: string): void {
  db.run(sql`DELETE FROM garden_members WHERE garden_id = ${gardenId} AND entity_uri = ${entityUri}`);
}

export function countAdmins(db: ReadDb, gardenId: string): number {
  return db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM garden_members WHERE garden_id = ${gardenId} AND role = 'admin'`)?.n ?? 0;
}

/** SQLite's unique/primary-key violation, which a concurrent duplicate insert raises. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
