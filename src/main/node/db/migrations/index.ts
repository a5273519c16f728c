// Numbered, forward-only migrations. Append a file; never edit one that has shipped.
import type Database from 'better-sqlite3';
import { m001Initial } from './001_initial.js';
import { m002ManifestsTransparency } from './002_manifests_transparency.js';
import { m003Federation } from './003_federation.js';
import { m004TrustQuarantine } from './004_trust_quarantine.js';
import { m005TokensProvenance } from './005_tokens_provenance.js';
import { m006Rotation } from './006_rotation.js';
import { m007FactIndexes } from './007_fact_indexes.js';
import { m008FactChecks } from './008_fact_checks.js';
import { m009PeerSignedPages } from './009_peer_signed_pages.js';

export interface Migration {
  version: number;
  name: string;
  /** Rebuilds a table others reference: runs with foreign keys off, checked before commit (SQLite's 12-step procedure). */
  rebuildsTables?: boolean;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [m001Initial, m002ManifestsTransparency, m003Federation, m004TrustQuarantine, m005TokensProvenance, m006Rotation, m007FactIndexes, m008FactChecks, m009PeerSignedPages];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
