// The rotation table: append-only rows, the retired keys trusted at a moment, and the chain that ends at a given key.
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { sql, type WriteDb } from '../../../src/main/node/db/sql.js';
import { insertKeyRotation, previousKeysTrustedAt, rotationChainTo } from '../../../src/main/node/rotation/store.js';

const dbs: WriteDb[] = [];
afterAll(() => dbs.forEach((d) => d.raw.close()));
const DAY = 86_400_000;

function rotationDb(): WriteDb {
  const db = openDatabase(':memory:');
  dbs.push(db);
  return db;
}

/** A row rotating key `from` to key `to` at day `day`, trusted for `days`. */
function rotate(db: WriteDb, from: string, to: string, day: number, days = 90): void {
  const at = day * DAY;
  insertKeyRotation(db, {
    old_key_id: `id-${from}`, old_public_key: from, new_key_id: `id-${to}`, new_public_key: to, rotated_at: `day ${day}`, rotated_at_ms: at,
    dual_trust_expires_at: `day ${day + days}`, dual_trust_expires_at_ms: at + days * DAY,
    event: { previous_key_id: `id-${from}`, new_key_id: `id-${to}`, new_public_key: to, rotated_at: `day ${day}`, signature: `sig-${to}`, previous_public_key: from },
  });
}

describe('key_rotations', () => {
  it('lists the retired keys whose window is open, newest first', () => {
    const db = rotationDb();
    rotate(db, 'A', 'B', 10, 120);
    rotate(db, 'B', 'C', 20);
    expect(previousKeysTrustedAt(db, 9 * DAY)).toEqual([]);
    expect(previousKeysTrustedAt(db, 25 * DAY).map((k) => k.publicKey)).toEqual(['B', 'A']);
    expect(previousKeysTrustedAt(db, 115 * DAY).map((k) => k.publicKey)).toEqual(['A']);
    expect(previousKeysTrustedAt(db, 130 * DAY)).toEqual([]);
    expect(previousKeysTrustedAt(db, 25 * DAY)[0]).toMatchObject({ keyId: 'id-B', trustedUntilMs: 110 * DAY, rotatedAtMs: 20 * DAY });
  });

  it('gives the chain ending at a key, and only the unbroken part of it', () => {
    const db = rotationDb();
    rotate(db, 'A', 'B', 1);
    rotate(db, 'B', 'C', 2);
    expect(rotationChainTo(db, 'C').map((e) => e.new_public_key)).toEqual(['B', 'C']);
    expect(rotationChainTo(db, 'B')).toEqual([]);
    // A key restored over C, then rotated: the chain starts again from it.
    rotate(db, 'X', 'Y', 3);
    expect(rotationChainTo(db, 'Y').map((e) => e.previous_public_key)).toEqual(['X']);
  });

  it('is append-only', () => {
    const db = rotationDb();
    rotate(db, 'A', 'B', 1);
    expect(() => db.run(sql`UPDATE key_rotations SET dual_trust_expires_at_ms = 0`)).toThrow(/append-only/);
    expect(() => db.run(sql`DELETE FROM key_rotations`)).toThrow(/append-only/);
  });
});
