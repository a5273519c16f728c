// Numbered, forward-only migrations. Append a file; never edit one that has shipped.
import type Database from 'better-sqlite3';
import { m001Initial } from './001_initial.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [m001Initial];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
