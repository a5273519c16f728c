// Database files as earlier versions left them: a schema version short of the latest, holding facts it wrote.
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/main/node/db/connection.js';
import { MIGRATIONS } from '../../src/main/node/db/migrations/index.js';

/** A file at schema `version` holding `n` facts (values v0, v1, …). */
export function oldDatabaseFile(path: string, version: number, n: number): string {
  const db = openDatabase(path, { migrations: MIGRATIONS.slice(0, version) });
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
