// A database backup: a standalone SQLite copy of the node's database, marked in its node_meta with who took it, when,
// and under which identity key, or that copy sealed under a passphrase (sealed.ts). Written through a temporary file
// beside the target, so a crash leaves no half copy.
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LATEST_SCHEMA_VERSION } from '../db/migrations/index.js';
import { readSealedHeader, sealBackup, unsealBackup } from './sealed.js';
import { CeremonyError } from '../ceremony/errors.js';
import { placeWithoutReplacing, refuseFolder } from '../ceremony/files.js';
import { readRecordText } from '../ceremony/recordCarry.js';
import { requireRoomFor, type DiskSpaceProbe } from './diskSpace.js';
import type { DataBackupInfo } from '../../../shared/data.js';

export const DATA_BACKUP_FORMAT = 'stigmem-data-backup';
export const DATA_BACKUP_VERSION = 1;
/** The node_meta key a backup carries its mark under; a live database never has it. */
export const DATA_BACKUP_META_KEY = 'data_backup';
/** The node_meta key a backup carries the ceremony record under (the record is a file beside a live database). */
export const CEREMONY_RECORD_META_KEY = 'ceremony_record';

export interface DataBackupMark {
  takenAt: string;
  nodeId: string;
  entityUri: string;
  keyId: string;
}

export interface WriteBackupOptions {
  path: string;
  overwrite: boolean;
  mark: DataBackupMark;
  /** The ceremony record beside the database, carried inside the copy (absent: none carried). */
  ceremonyRecordPath?: string;
  /** Seal the copy under this passphrase; its plain form is made in `workDir` (beside the database), never at `path`. */
  passphrase?: string;
  workDir?: string;
  /** Pages copied between turns of the event loop (the node keeps answering meanwhile); Infinity copies in one step. */
  pagesPerStep?: number;
  onProgress?: (fraction: number) => void;
  /** How free space is read before copying (the file system's own figures unless a test says otherwise). */
  diskSpace?: DiskSpaceProbe;
  /** Stops the copy between steps (Ctrl-C on the command line): the partial copies are removed and nothing is placed. */
  signal?: AbortSignal;
  /** Called once the database has been read (before the copy is marked, sealed and placed): a snapshot can end. */
  onCopied?: () => void;
}

const countOf = (db: Database.Database, table: 'facts' | 'peers'): number => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Flush a file written through another handle (SQLite's, a copy) to the disk. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Make the copy standalone (no write-ahead log beside it), mark it, and put the ceremony record in it. */
function sealCopy(tmp: string, mark: DataBackupMark, record: string | null): void {
  const db = new Database(tmp);
  try {
    db.pragma('journal_mode = DELETE');
    const value = JSON.stringify({ format: DATA_BACKUP_FORMAT, version: DATA_BACKUP_VERSION, taken_at: mark.takenAt, node_id: mark.nodeId, entity_uri: mark.entityUri, key_id: mark.keyId });
    const put = db.prepare('INSERT INTO node_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    db.transaction(() => {
      put.run(DATA_BACKUP_META_KEY, value);
      if (record !== null) put.run(CEREMONY_RECORD_META_KEY, record);
    })();
  } finally {
    db.close();
  }
}

/**
 * Copy the database `source` is connected to into `opts.path`. Through SQLite's online backup on the node's own
 * connection, so the node's writes meanwhile are folded in and the copy is one consistent moment.
 */
export async function writeDataBackup(source: Database.Database, opts: WriteBackupOptions): Promise<DataBackupInfo & { sha256: string }> {
  refuseFolder(opts.path);
  if (existsSync(opts.path)) {
    if (!opts.overwrite) throw new CeremonyError('file_exists', `${opts.path} already exists; choose another name or pass --force to replace it`);
    // Replacing is for an earlier backup only: anything else the node can write (its own database included) is left alone.
    if (!isDataBackupFile(opts.path)) throw new CeremonyError('file_exists', `${opts.path} exists and is not a Stigmem database backup, so it is never replaced; choose another name`);
  }
  const suffix = `${randomBytes(6).toString('hex')}.tmp`;
  const tmp = `${opts.path}.${suffix}`;
  const plain = opts.passphrase === undefined ? tmp : join(opts.workDir ?? dirname(source.name), `.stigmem-backup-${suffix}`);
  const step = opts.pagesPerStep ?? 256;
  // The copy is as large as the database; a sealed one is written twice (the plain copy, then the sealed file).
  const size = (source.pragma('page_count', { simple: true }) as number) * (source.pragma('page_size', { simple: true }) as number);
  requireRoomFor(plain === tmp ? [{ dir: dirname(tmp), bytes: size }] : [{ dir: dirname(plain), bytes: size }, { dir: dirname(tmp), bytes: size }], opts.diskSpace);
  try {
    // Created owner-only and empty first, so the copy is never readable by others while it is written.
    closeSync(openSync(plain, 'wx', 0o600));
    await source.backup(plain, {
      progress: ({ totalPages, remainingPages }) => {
        opts.signal?.throwIfAborted();
        opts.onProgress?.(totalPages > 0 ? (totalPages - remainingPages) / totalPages : 0);
        return Number.isFinite(step) ? step : Math.max(totalPages, 1);
      },
    });
    opts.onCopied?.();
    sealCopy(plain, opts.mark, opts.ceremonyRecordPath === undefined ? null : readRecordText(opts.ceremonyRecordPath));
    chmodSync(plain, 0o600);
    if (opts.passphrase !== undefined) {
      const { path: _path, bytes: _bytes, sealed: _sealed, ...summary } = readDataBackup(plain);
      await sealBackup(plain, tmp, opts.passphrase, summary, opts.signal);
    }
    fsyncFile(tmp);
    opts.signal?.throwIfAborted(); // the last moment at which stopping leaves nothing behind
    if (opts.overwrite) renameSync(tmp, opts.path);
    else {
      placeWithoutReplacing(tmp, opts.path); // fails if the name was taken meanwhile
      rmSync(tmp, { force: true });
    }
  } catch (e) {
    for (const side of ['', '-journal']) rmSync(`${tmp}${side}`, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CeremonyError('file_exists', `${opts.path} already exists; choose another name or pass --force to replace it`);
    throw e;
  } finally {
    if (plain !== tmp) for (const side of ['', '-journal']) rmSync(`${plain}${side}`, { force: true });
  }
  opts.onProgress?.(1);
  const info = readDataBackup(opts.path);
  return { ...info, sha256: await sha256Of(opts.path) };
}

interface MarkJson {
  format?: unknown;
  version?: unknown;
  taken_at?: unknown;
  node_id?: unknown;
  entity_uri?: unknown;
  key_id?: unknown;
}

const invalid = (path: string, why: string): CeremonyError => new CeremonyError('backup_invalid', `${path} is not a Stigmem database backup: ${why}`);

/**
 * What a backup file holds, read without changing it; `backup_invalid` for anything else (or a damaged copy with
 * `check`). A sealed backup says what its header says; openSealedBackup checks that against its contents.
 */
export function readDataBackup(path: string, opts: { check?: boolean } = {}): DataBackupInfo {
  const sealed = readSealedInfo(path);
  if (sealed !== null) return sealed;
  let bytes: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw invalid(path, 'it is not a file');
    bytes = st.size;
  } catch (e) {
    if (e instanceof CeremonyError) throw e;
    throw new CeremonyError('file_unreadable', `${path} cannot be read: ${(e as Error).message}`);
  }
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    if (opts.check) {
      const problems = db.pragma('quick_check', { simple: true });
      if (problems !== 'ok') throw invalid(path, `the copy is damaged (${String(problems).slice(0, 200)})`);
    }
    const raw = db.prepare('SELECT value FROM node_meta WHERE key = ?').pluck().get(DATA_BACKUP_META_KEY);
    if (typeof raw !== 'string') throw invalid(path, 'it carries no backup mark (a live database, or another file)');
    const m = JSON.parse(raw) as MarkJson;
    if (m.format !== DATA_BACKUP_FORMAT || m.version !== DATA_BACKUP_VERSION) throw invalid(path, 'unknown backup format');
    if (typeof m.taken_at !== 'string' || typeof m.node_id !== 'string' || typeof m.entity_uri !== 'string' || typeof m.key_id !== 'string') throw invalid(path, 'its backup mark is incomplete');
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > LATEST_SCHEMA_VERSION) {
      throw new CeremonyError('backup_invalid', `${path} was written by a newer Stigmem Desktop (database schema ${schemaVersion}; this build knows ${LATEST_SCHEMA_VERSION}); upgrade first`);
    }
    return { path, bytes, sealed: false, takenAt: m.taken_at, nodeId: m.node_id, entityUri: m.entity_uri, keyId: m.key_id, schemaVersion, facts: countOf(db, 'facts'), peers: countOf(db, 'peers') };
  } catch (e) {
    if (e instanceof CeremonyError) throw e;
    throw invalid(path, e instanceof Error ? e.message : String(e));
  } finally {
    db?.close();
  }
}

function readSealedInfo(path: string): DataBackupInfo | null {
  let found: ReturnType<typeof readSealedHeader>;
  try {
    if (!statSync(path).isFile()) return null;
    found = readSealedHeader(path);
  } catch (e) {
    if (e instanceof CeremonyError) throw e;
    return null; // unreadable: the plain path reports why
  }
  if (found === null) return null;
  const s = found.header.summary;
  if (s.schemaVersion > LATEST_SCHEMA_VERSION) {
    throw new CeremonyError('backup_invalid', `${path} was written by a newer Stigmem Desktop (database schema ${s.schemaVersion}; this build knows ${LATEST_SCHEMA_VERSION}); upgrade first`);
  }
  return { path, bytes: statSync(path).size, sealed: true, ...s };
}

/**
 * Open a sealed backup with its passphrase into a plain copy at `outPath`, checked by `checkCopy` and matching what its
 * header said; returns what it holds. The caller removes `outPath`.
 */
export async function openSealedBackup(path: string, passphrase: string, outPath: string, checkCopy: (path: string) => Promise<DataBackupInfo>): Promise<DataBackupInfo> {
  const said = readDataBackup(path);
  await unsealBackup(path, outPath, passphrase);
  const held = await checkCopy(outPath);
  if (held.nodeId !== said.nodeId || held.keyId !== said.keyId || held.takenAt !== said.takenAt) throw invalid(path, 'its header does not match its contents');
  return { ...held, path, bytes: said.bytes, sealed: true };
}

export function isDataBackupFile(path: string): boolean {
  try {
    readDataBackup(path);
    return true;
  } catch {
    return false;
  }
}
