// Facts and gardens written straight into a test node's tables, so console tests do not depend on the facts routes.
import { randomUUID } from 'node:crypto';
import { sql } from '../../../src/main/node/db/sql.js';
import { runAdminOperation } from '../../../src/main/node/console/handlers.js';
import type { NodeDeps } from '../../../src/main/node/server/deps.js';

export interface SeedFact {
  entity: string;
  relation: string;
  valueType: string;
  value: string;
  source?: string;
  scope?: string;
  timestamp?: string;
}

export function insertFact(deps: NodeDeps, f: SeedFact): string {
  const id = randomUUID();
  deps.db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
    VALUES (${id}, ${'sha256:' + id}, ${f.entity}, ${f.relation}, ${f.valueType}, ${f.value}, ${f.source ?? 'stigmem://test/agent'},
            ${f.timestamp ?? '2026-05-26T12:00:00.000000+00:00'}, ${'1.000'}, ${1}, ${f.scope ?? 'local'})`);
  return id;
}

export function insertGarden(deps: NodeDeps, slug: string, deletedAt: string | null = null): void {
  deps.db.run(sql`INSERT INTO gardens (id, slug, name, scope, created_by, created_at, deleted_at)
    VALUES (${randomUUID()}, ${slug}, ${slug}, ${'team'}, ${'stigmem://test'}, ${'2026-05-26T12:00:00.000000+00:00'}, ${deletedAt})`);
}

/** An admin operation's answer as a test reads it. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Call operations on whichever node `deps()` names at the time (tests replace their node per test). */
export function operationsOn(deps: () => NodeDeps): <T>(name: string, arg?: unknown) => Promise<Answer<T>> {
  return async <T>(name: string, arg?: unknown) => (await runAdminOperation(deps(), name, arg)) as Answer<T>;
}

/** The value of a successful answer; a refusal fails the test with its code and words. */
export function valueOf<T>(a: Answer<T>): T {
  if (!a.ok) throw new Error(`${a.error.code}: ${a.error.message}`);
  return a.value;
}
