// Why a database could not be opened, in the operator's words and with the way out, instead of a stack trace: a
// damaged file is left as it is and restored over; a full disk, a lock or a read-only file are the machine's to fix.
import { storageKindOf } from './storageErrors.js';

export type DatabaseOpenKind = 'damaged' | 'full' | 'busy' | 'unwritable';

/** The SQLite error code an error carries (from better-sqlite3, or passed on by the upgrade worker), or null. */
function sqliteCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** The storage failures a start can meet, as db/storageErrors.ts classifies SQLite's codes for the API. */
const KIND_OF: Record<NonNullable<ReturnType<typeof storageKindOf>>, DatabaseOpenKind> = {
  storage_corrupt: 'damaged',
  storage_full: 'full',
  storage_busy: 'busy',
  storage_read_only: 'unwritable',
  storage_io_error: 'unwritable',
};

export function databaseOpenKind(e: unknown): DatabaseOpenKind | null {
  const code = sqliteCode(e);
  const kind = code === null ? null : storageKindOf(code);
  return kind === null ? null : KIND_OF[kind];
}

/** One sentence for a start that failed on its database, or null when `e` is not such a failure. */
export function databaseOpenProblem(e: unknown, dbPath: string): string | null {
  const kind = databaseOpenKind(e);
  if (kind === null) return null;
  const why = `${sqliteCode(e)}: ${e instanceof Error ? e.message : String(e)}`;
  switch (kind) {
    case 'damaged':
      return `the database ${dbPath} is damaged (${why}); it is left as it is. Restore a backup over it with \`stigmem data restore BACKUP\` in its folder (the damaged file is kept beside it)`;
    case 'full':
      return `the disk holding ${dbPath} is full (${why}); free space on it, then start again`;
    case 'busy':
      return `another process holds ${dbPath} (${why}): a second node, a backup or a restore? Stop it, then start again`;
    case 'unwritable':
      return `${dbPath} cannot be opened for reading and writing (${why}); check the file, its folder's permissions and the disk`;
  }
}

/** `e` as the error a start reports: the operator's sentence for a database failure, otherwise `e` itself. */
export function explainStartFailure(e: unknown, dbPath: string): unknown {
  const problem = databaseOpenProblem(e, dbPath);
  return problem === null ? e : Object.assign(new Error(problem), { code: sqliteCode(e) });
}
