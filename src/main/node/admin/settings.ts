// Node settings an operator changes at run time (PATCH /v1/admin/config), kept in node_settings.
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';

export const SETTING_QUARANTINE_GARDEN = 'quarantine_garden_id';

export function getSetting(db: ReadDb, key: string): string | null {
  return db.get<{ value: string }>(sql`SELECT value FROM node_settings WHERE key = ${key}`)?.value ?? null;
}

export function setSetting(db: WriteDb, key: string, value: string, by: string, at: string): void {
  db.run(sql`INSERT INTO node_settings (key, value, updated_by, updated_at) VALUES (${key}, ${value}, ${by}, ${at})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
}

export function deleteSetting(db: WriteDb, key: string): void {
  db.run(sql`DELETE FROM node_settings WHERE key = ${key}`);
}
