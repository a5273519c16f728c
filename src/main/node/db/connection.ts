// Opening the node's SQLite file: WAL, foreign keys, migrations, and refusal of a database from a newer version.
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { completeEarlyShapes } from './earlyShapes.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { wrapDatabase, type WriteDb } from './sql.js';

export class DatabaseVersionError extends Error {}
/** A migration failed; its transaction rolled back, so the file is still whole at the version it had. */
export class DatabaseUpgradeError extends DatabaseVersionError {}

export interface OpenOptions {
  migrations?: readonly Migration[];
  /** Called before each migration that upgrades an existing database (a rebuild can take seconds per million facts). */
  onUpgrade?: (m: Migration) => void;
}

export function openDatabase(path: string, opts: OpenOptions = {}): WriteDb {
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
    migrate(db, opts.migrations, opts.onUpgrade);
  } catch (e) {
    db.close();
    throw e;
  }
  return wrapDatabase(db);
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, onUpgrade?: (m: Migration) => void): void {
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new DatabaseVersionError(
      `database schema version ${current} is newer than this build supports (${latest}); upgrade Stigmem Desktop or use a backup`,
    );
  }
  if (current > 0) completeEarly(db, current, migrations);
  for (const m of migrations.slice(current)) {
    if (current > 0) onUpgrade?.(m);
    // foreign_keys cannot change inside a transaction, so a rebuilding migration switches it off around its own.
    const foreignKeys = m.rebuildsTables ? (db.pragma('foreign_keys', { simple: true }) as number) : null;
    if (foreignKeys !== null) db.pragma('foreign_keys = OFF');
    try {
      // One transaction per migration, so a crash leaves the schema at a whole version.
      db.transaction(() => {
        m.up(db);
        if (m.rebuildsTables) assertForeignKeysHold(db, m);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new DatabaseUpgradeError(`upgrading the database to schema ${m.version} (${m.name}) failed, so it stays at schema ${m.version - 1}: ${why}`);
    } finally {
      if (foreignKeys !== null) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
    // A rebuild wrote the whole table through the WAL: fold it into the file now rather than leave it on disk.
    if (m.rebuildsTables) db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

/** An early build's file gets what its version stands for first, in one transaction of its own. */
function completeEarly(db: Database.Database, version: number, migrations: readonly Migration[]): void {
  try {
    db.transaction(() => completeEarlyShapes(db, version, migrations))();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DatabaseUpgradeError(`completing the database's schema ${version} as an early build left it failed, so it is unchanged: ${why}`);
  }
}

function assertForeignKeysHold(db: Database.Database, m: Migration): void {
  const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
  if (broken.length > 0) {
    const first = broken[0]!;
    throw new Error(`migration ${m.version} (${m.name}) would break ${broken.length} foreign key(s), first ${first.table} -> ${first.parent}`);
  }
}

export { LATEST_SCHEMA_VERSION };
