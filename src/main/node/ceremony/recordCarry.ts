// The ceremony record travels inside database backups, so a machine rebuilt from its key backup and its data backup
// gets its history back: on restore the backup's lines and this machine's own are joined, never one dropped.
import { readFileSync, statSync } from 'node:fs';
import type { CeremonyRecordRestore } from '../../../shared/data.js';
import { writeOutputFile } from './files.js';
import { MAX_RECORD_BYTES, verifyCeremonyRecord } from './record.js';

/** This machine's record: its text, null when there is none, 'unreadable' when a file is there but cannot be read whole. */
export function localRecord(path: string): string | null | 'unreadable' {
  const text = readRecordText(path);
  if (text !== null) return text;
  try {
    return statSync(path).size > 0 ? 'unreadable' : null;
  } catch {
    return null;
  }
}

/** The record's text (to put in a backup, or as this machine's), or null when there is none or it is too large. */
export function readRecordText(path: string): string | null {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size === 0 || st.size > MAX_RECORD_BYTES) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null; // no record beside the database: the backup simply carries none
  }
}

const linesOf = (text: string): string[] => text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
const firstProblem = (text: string): string | null => {
  const p = verifyCeremonyRecord(text).problems[0];
  return p === undefined ? null : `line ${p.line}: ${p.reason}`;
};

/** What restoring does with the record: the text to write in place (null: leave it) and one to keep beside it. */
export interface RecordPlan {
  result: CeremonyRecordRestore;
  write: string | null;
  aside: string | null;
}

/**
 * Decide from this machine's record and the backup's: the backup's lines first, then this machine's that it lacks
 * (a key restore done here before the data), written only if the joined record still verifies.
 */
export function planRecordRestore(local: string | null | 'unreadable', carried: string | null): RecordPlan {
  if (carried === null) return { result: { outcome: 'none', message: 'The backup carries no ceremony record; this machine\'s is left as it is.' }, write: null, aside: null };
  // A record here that cannot be read whole is never written over.
  if (local === 'unreadable') return { result: { outcome: 'kept_apart', message: 'This machine\'s ceremony record cannot be read whole; it is left as it is, and the backup\'s is kept beside it.' }, write: null, aside: carried };
  const bad = firstProblem(carried);
  if (bad !== null) return { result: { outcome: 'kept_apart', message: `The backup's ceremony record does not verify (${bad}); it is kept beside this machine's, which is left as it is.` }, write: null, aside: carried };
  const carriedLines = linesOf(carried);
  const localLines = local === null ? [] : linesOf(local);
  const held = new Set(localLines);
  if (localLines.length > 0 && carriedLines.every((l) => held.has(l))) {
    return { result: { outcome: 'kept', message: 'This machine\'s ceremony record already holds every step the backup\'s does.' }, write: null, aside: null };
  }
  const known = new Set(carriedLines);
  const extra = localLines.filter((l) => !known.has(l));
  const joined = [...carriedLines, ...extra].join('\n') + '\n';
  const joinedProblem = firstProblem(joined);
  if (joinedProblem !== null) {
    return { result: { outcome: 'kept_apart', message: `The backup's ceremony record and this machine's do not join into one that verifies (${joinedProblem}); the backup's is kept beside this machine's, which is left as it is.` }, write: null, aside: carried };
  }
  const outcome = localLines.length === 0 ? 'restored' : 'merged';
  const message = outcome === 'restored'
    ? `The ceremony record is back from the backup (${carriedLines.length} signed steps).`
    : `The ceremony record holds the backup's ${carriedLines.length} signed steps and this machine's ${extra.length} later ones.`;
  return { result: { outcome, message }, write: joined, aside: null };
}

/** Carry out a plan: the record replaced in one rename, or the backup's copy put beside it as `<record>.from-backup-<time>`. */
export function applyRecordPlan(path: string, plan: RecordPlan, stamp: string): CeremonyRecordRestore {
  if (plan.write !== null) writeOutputFile(path, plan.write, 0o644, true);
  if (plan.aside !== null) {
    const asidePath = `${path}.from-backup-${stamp}`;
    writeOutputFile(asidePath, plan.aside, 0o644, false);
    return { ...plan.result, savedAs: asidePath };
  }
  return plan.result;
}
