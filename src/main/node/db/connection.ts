// Opening the node's SQLite file: WAL, foreign keys, migrations, and refusal of a database from a newer version.
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { wrapDatabase, type WriteDb } from './sql.js';

export class DatabaseVersionError extends Error {}

export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): WriteDb {
  const isMemory = path === ':memory:';
  if (!isMemory) mkdirSync(dirname(path), { recursive: true });
  const fresh = isMemory || !existsSync(path);
  const db = new Database(path);
  if (fresh && !isMemory) chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, migrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return wrapDatabase(db);
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new DatabaseVersionError(
      `database schema version ${current} is newer than this build supports (${latest}); upgrade Stigmem Desktop or use a backup`,
    );
  }
  for (const m of migrations.slice(current)) {
    // One transaction per migration, so a crash leaves the schema at a whole version.
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

export { LATEST_SCHEMA_VERSION };
