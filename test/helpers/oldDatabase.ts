// Database files as earlier versions left them: a schema version short of the latest, holding facts it wrote.
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/main/node/db/connection.js';
import { MIGRATIONS, type Migration } from '../../src/main/node/db/migrations/index.js';

/** The chain as the first builds had it for a while: migrations 004 and 005 reserved, and empty. */
export const RESERVED_004_005: readonly Migration[] = MIGRATIONS.map((m) => (m.version === 4 || m.version === 5 ? { version: m.version, name: m.name, up() {} } : m));

/** A file at schema `version` holding `n` facts (values v0, v1, …), written by `migrations` (the current ones by default). */
export function oldDatabaseFile(path: string, version: number, n: number, migrations: readonly Migration[] = MIGRATIONS): string {
  const db = openDatabase(path, { migrations: migrations.slice(0, version) });
  const insert = db.raw.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
    VALUES (?, ?, ?, 'memory:role', 'string', ?, 'stigmem://org.example/agent/a', '2026-11-24T00:00:00+00:00', ?, 0.9, 'company')`);
  db.raw.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(`id-${i}`, `sha256:${i.toString(16).padStart(64, '0')}`, `stigmem://org.example/e/${i}`, `v${i}`, `${1_790_000_000_000 + i}.000`);
  })();
  db.raw.close();
  return path;
}

/** Make the step to schema 7 fail inside its transaction: it creates an index by this name. */
export function blockMigration7(path: string): void {
  const db = new Database(path);
  db.exec('CREATE INDEX facts_triple_cid ON facts(entity)');
  db.close();
}
