// Files the first builds wrote while migrations 001, 004 and 005 were still being written: schema 1 without
// facts.valid_until_ms, and schemas 5 and 6 with none of 004's and 005's tables (both were reserved empty). Such a file
// is brought to the shape its version number stands for before the pending migrations run; one that an earlier upgrade
// already took past those versions without them is completed the same way.
import type Database from 'better-sqlite3';
import { parseIsoDatetimeMs } from '../facts/values.js';
import { m001Initial } from './migrations/001_initial.js';
import { m004TrustQuarantine } from './migrations/004_trust_quarantine.js';
import { m005TokensProvenance } from './migrations/005_tokens_provenance.js';
import type { Migration } from './migrations/index.js';

const hasTable = (db: Database.Database, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

const hasColumn = (db: Database.Database, table: string, column: string): boolean =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);

function addValidUntilMs(db: Database.Database): void {
  db.exec('ALTER TABLE facts ADD COLUMN valid_until_ms INTEGER');
  const rows = db.prepare('SELECT seq, valid_until FROM facts WHERE valid_until IS NOT NULL').all() as { seq: number; valid_until: string }[];
  const set = db.prepare('UPDATE facts SET valid_until_ms = ? WHERE seq = ?');
  for (const r of rows) set.run(parseIsoDatetimeMs(r.valid_until), r.seq);
}

/**
 * Add what an early build left out of a file at schema `version`, from the chain's own migrations (a chain without
 * them completes nothing); returns what was added, empty for every other file.
 */
export function completeEarlyShapes(db: Database.Database, version: number, migrations: readonly Migration[]): string[] {
  const added: string[] = [];
  const has = (m: Migration): boolean => version >= m.version && migrations.includes(m);
  if (has(m001Initial) && hasTable(db, 'facts') && !hasColumn(db, 'facts', 'valid_until_ms')) {
    addValidUntilMs(db);
    added.push('facts.valid_until_ms');
  }
  if (has(m004TrustQuarantine) && !hasTable(db, 'node_settings')) {
    // Migration 008 recreates 004's two facts indexes; 004 creates them itself, so they make way for it.
    db.exec('DROP INDEX IF EXISTS facts_quarantine_garden; DROP INDEX IF EXISTS facts_quarantined_seq;');
    m004TrustQuarantine.up(db);
    added.push(`${m004TrustQuarantine.version} (${m004TrustQuarantine.name})`);
  }
  if (has(m005TokensProvenance) && !hasTable(db, 'capability_tokens')) {
    m005TokensProvenance.up(db);
    added.push(`${m005TokensProvenance.version} (${m005TokensProvenance.name})`);
  }
  return added;
}
