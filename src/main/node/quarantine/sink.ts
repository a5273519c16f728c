// Where quarantined facts go: STIGMEM_QUARANTINE_GARDEN_ID, else the garden PATCH /v1/admin/config chose, else the
// built-in quarantine garden (recreated if an operator deleted it, so a low-trust fact always has a home).
import { randomUUID } from 'node:crypto';
import { getSetting, setSetting, SETTING_QUARANTINE_GARDEN } from '../admin/settings.js';
import { isoFromMs } from '../clock.js';
import { sql, type WriteDb } from '../db/sql.js';
import { BUILTIN_QUARANTINE_SETTING, BUILTIN_QUARANTINE_SLUG, SYSTEM_CREATOR } from '../db/migrations/004_trust_quarantine.js';
import { gardenByRef } from '../facts/gardenRef.js';
import type { GardenRow } from '../gardens/acl.js';
import type { NodeDeps } from '../server/deps.js';

export type SinkOrigin = 'env' | 'config' | 'builtin';

export interface QuarantineSink {
  garden: GardenRow;
  origin: SinkOrigin;
  /** Set when STIGMEM_QUARANTINE_GARDEN_ID or the stored choice names no live quarantine garden and was passed over. */
  warning: string | null;
}

/** A live garden created with `quarantine: true`, by id, slug or garden URI. */
export function liveQuarantineGarden(db: WriteDb, ref: string): GardenRow | undefined {
  const g = gardenByRef(db, ref);
  return g && g.quarantine === 1 ? g : undefined;
}

function createBuiltinGarden(db: WriteDb, nowMs: number): GardenRow {
  const id = randomUUID();
  const taken = db.get(sql`SELECT 1 FROM gardens WHERE slug = ${BUILTIN_QUARANTINE_SLUG} AND deleted_at IS NULL`) !== undefined;
  const slug = taken ? `${BUILTIN_QUARANTINE_SLUG}-${id.slice(0, 8)}` : BUILTIN_QUARANTINE_SLUG;
  const at = isoFromMs(nowMs);
  db.run(sql`INSERT INTO gardens (id, slug, name, scope, description, created_by, created_at, quarantine)
    VALUES (${id}, ${slug}, 'Quarantine', 'company', 'Facts from sources below the trust threshold, held until a moderator promotes or rejects them',
      ${SYSTEM_CREATOR}, ${at}, 1)`);
  setSetting(db, BUILTIN_QUARANTINE_SETTING, id, SYSTEM_CREATOR, at);
  return db.get<GardenRow>(sql`SELECT * FROM gardens WHERE id = ${id}`)!;
}

export function builtinQuarantineGarden(deps: Pick<NodeDeps, 'db' | 'clock'>): GardenRow {
  const id = getSetting(deps.db, BUILTIN_QUARANTINE_SETTING);
  const existing = id === null ? undefined : liveQuarantineGarden(deps.db, id);
  return existing ?? deps.db.transaction(() => createBuiltinGarden(deps.db, deps.clock.nowMs()));
}

export function quarantineSink(deps: Pick<NodeDeps, 'db' | 'clock' | 'config'>): QuarantineSink {
  const warnings: string[] = [];
  const fromEnv = deps.config.quarantineGardenId;
  if (fromEnv !== null) {
    const g = liveQuarantineGarden(deps.db, fromEnv);
    if (g) return { garden: g, origin: 'env', warning: null };
    warnings.push(`STIGMEM_QUARANTINE_GARDEN_ID=${fromEnv} names no live garden created with "quarantine": true`);
  }
  const chosen = getSetting(deps.db, SETTING_QUARANTINE_GARDEN);
  if (chosen !== null) {
    const g = liveQuarantineGarden(deps.db, chosen);
    if (g) return { garden: g, origin: 'config', warning: warnings[0] ?? null };
    warnings.push(`the configured quarantine garden ${chosen} no longer exists`);
  }
  return { garden: builtinQuarantineGarden(deps), origin: 'builtin', warning: warnings.length > 0 ? warnings.join('; ') : null };
}
