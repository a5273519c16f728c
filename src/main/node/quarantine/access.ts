// Who may see and decide quarantined facts: node admins for every quarantine garden; a garden's own `admin` and
// `quarantine:moderator` members for theirs.
import { hasPermission, type Principal } from '../auth/permissions.js';
import { sql, type ReadDb } from '../db/sql.js';
import { memberRole } from '../gardens/acl.js';

export const MODERATOR_REQUIRED = 'quarantine:moderator or admin role required to promote/reject facts';

export function canModerate(db: ReadDb, principal: Principal, gardenId: string): boolean {
  if (hasPermission(principal, 'admin')) return true;
  const role = memberRole(db, gardenId, principal.entityUri);
  return role === 'admin' || role === 'quarantine:moderator';
}

/** The quarantine gardens (live or deleted) whose facts the caller may list; undefined means all of them. */
export function listableQuarantineGardens(db: ReadDb, principal: Principal): string[] | undefined {
  // With auth off the runbook's header-less reads must work (CONTRACT.md "Auth"); moderation still needs an admin.
  if (hasPermission(principal, 'admin') || principal.kind === 'anonymous') return undefined;
  return db.all<{ id: string }>(sql`SELECT g.id FROM gardens g JOIN garden_members m ON m.garden_id = g.id
    WHERE g.quarantine = 1 AND m.entity_uri = ${principal.entityUri} AND m.role IN ('admin', 'quarantine:moderator')
    ORDER BY g.id`).map((r) => r.id);
}

/** True when the caller moderates at least one quarantine garden. */
export function moderatesAny(db: ReadDb, principal: Principal): boolean {
  if (hasPermission(principal, 'admin')) return true;
  const ids = listableQuarantineGardens(db, principal);
  return ids === undefined ? false : ids.length > 0;
}
