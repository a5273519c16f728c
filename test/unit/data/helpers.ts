// Altering a database backup's mark, as a backup of another node or from before a key rotation would carry it.
import Database from 'better-sqlite3';
import { DATA_BACKUP_META_KEY } from '../../../src/main/node/data/backupFile.js';

export function remark(path: string, changes: Record<string, unknown>): void {
  const db = new Database(path);
  try {
    const mark = JSON.parse(db.prepare('SELECT value FROM node_meta WHERE key = ?').pluck().get(DATA_BACKUP_META_KEY) as string) as Record<string, unknown>;
    db.prepare('UPDATE node_meta SET value = ? WHERE key = ?').run(JSON.stringify({ ...mark, ...changes }), DATA_BACKUP_META_KEY);
  } finally {
    db.close();
  }
}
