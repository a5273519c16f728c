// Garden lookup for fact writes and queries, tolerant of malformed garden URIs.
import type { ReadDb } from '../db/sql.js';
import { findGarden, type GardenRow } from '../gardens/acl.js';

/** The live garden a reference names, or undefined; a URI with bad %-escapes names no garden (404, not 500). */
export function gardenByRef(db: ReadDb, ref: string): GardenRow | undefined {
  try {
    return findGarden(db, ref);
  } catch (e) {
    if (e instanceof URIError) return undefined;
    throw e;
  }
}
