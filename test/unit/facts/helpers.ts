// Shared set-up for the facts API tests: a node on a temp SQLite file, keys with chosen permissions, SQL-made gardens.
import { randomUUID } from 'node:crypto';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import type { Clock } from '../../../src/main/node/clock.js';
import { sql } from '../../../src/main/node/db/sql.js';
import type { Permission } from '../../../src/main/node/auth/permissions.js';

export { makeTestNode, type TestNode };

/** A clock the test moves by hand (facts stamp time from it; expiry compares against it). */
export function manualClock(startMs = Date.UTC(2026, 4, 26, 12, 0, 0)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = startMs;
  return { nowMs: () => now, advance: (ms) => (now += ms), set: (ms) => (now = ms) };
}

export const ALICE = 'stigmem://testnode/user/alice';
export const TEST_SOURCE = 'stigmem://testnode/agent/test';

export function fact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { entity: ALICE, relation: 'memory:role', value: { type: 'string', v: 'engineer' }, source: TEST_SOURCE, confidence: 1.0, scope: 'company', ...overrides };
}

/** An API key for `entity` with exactly `permissions`; returns the raw key to send as Bearer. */
export function addKey(node: TestNode, entity: string, permissions: Permission[]): string {
  const raw = `key-${randomUUID()}`;
  node.deps.apiKeys.create({ rawKey: raw, entityUri: entity, permissions }, new Date().toISOString());
  return raw;
}

/** A garden created straight in SQL (the gardens routes are another component), with its members. */
export function addGarden(node: TestNode, slug: string, scope: string, members: [string, string][] = [], opts: { quarantine?: boolean } = {}): string {
  const id = randomUUID();
  const now = new Date().toISOString();
  node.deps.db.run(sql`INSERT INTO gardens (id, slug, name, scope, created_by, created_at, quarantine)
    VALUES (${id}, ${slug}, ${slug}, ${scope}, 'test', ${now}, ${opts.quarantine ? 1 : 0})`);
  for (const [entity, role] of members) {
    node.deps.db.run(sql`INSERT INTO garden_members (garden_id, entity_uri, role, added_by, added_at) VALUES (${id}, ${entity}, ${role}, 'test', ${now})`);
  }
  return id;
}

/** Rows of a table, for asserting what was (not) written. */
export function count(node: TestNode, table: 'facts' | 'conflicts'): number {
  return node.deps.db.get<{ n: number }>(table === 'facts' ? sql`SELECT COUNT(*) AS n FROM facts` : sql`SELECT COUNT(*) AS n FROM conflicts`)!.n;
}
