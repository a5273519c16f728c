// When SQLite itself cannot write (a full disk, a lock held elsewhere, a read-only or failing file), the caller is told
// which, as a 503/507 it can act on, instead of an opaque 500; the transaction was rolled back, so nothing is half-done.
import Database from 'better-sqlite3';

export interface StorageFailure {
  status: 503 | 507;
  code: 'storage_full' | 'storage_busy' | 'storage_read_only' | 'storage_io_error' | 'storage_corrupt';
  detail: string;
  /** Seconds after which a retry may succeed (a lock elsewhere), or null when the operator must act first. */
  retryAfterS: number | null;
}

const NOTHING_WRITTEN = 'nothing of this request was written';

/** Which storage failure a SQLite result code is (extended codes included), or null for any other code. */
export function storageKindOf(code: string): StorageFailure['code'] | null {
  if (code === 'SQLITE_FULL') return 'storage_full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'storage_busy';
  if (code.startsWith('SQLITE_READONLY')) return 'storage_read_only';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') return 'storage_io_error';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'storage_corrupt';
  return null;
}

/** The storage failure `e` is, or null for any other error. */
export function storageFailureOf(e: unknown): StorageFailure | null {
  if (!(e instanceof Database.SqliteError)) return null;
  const code = e.code;
  switch (storageKindOf(code)) {
    case 'storage_full':
      return { status: 507, code: 'storage_full', detail: `the node's database cannot grow: its disk is full; ${NOTHING_WRITTEN}. Free space on the disk, then retry`, retryAfterS: null };
    case 'storage_busy':
      return { status: 503, code: 'storage_busy', detail: `another process holds the node's database (a backup, a restore or a second node?); ${NOTHING_WRITTEN}. Retry shortly`, retryAfterS: 5 };
    case 'storage_read_only':
      return { status: 503, code: 'storage_read_only', detail: `the node's database file cannot be written (read-only file, folder or disk); ${NOTHING_WRITTEN}`, retryAfterS: null };
    case 'storage_io_error':
      return { status: 503, code: 'storage_io_error', detail: `the node's database could not be read or written (${code}); ${NOTHING_WRITTEN}. Check the disk`, retryAfterS: null };
    case 'storage_corrupt':
      return { status: 503, code: 'storage_corrupt', detail: `the node's database is damaged (${code}); stop the node and restore it from a backup (stigmem data restore)`, retryAfterS: null };
    case null:
      return null;
  }
}
