// The hot fact queries must use indexes, not scan the facts table (Signal-style EXPLAIN QUERY PLAN checks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import type { Sql, WriteDb } from '../../../src/main/node/db/sql.js';
import { factCountSql, factPageSql, type FactFilter } from '../../../src/main/node/facts/query.js';
import { cidMatches, tripleCidMatches } from '../../../src/main/node/facts/repo.js';
import { servableScopeSql } from '../../../src/main/node/federation/serve.js';
import { sql } from '../../../src/main/node/db/sql.js';

let db: WriteDb;
beforeAll(() => {
  db = openDatabase(':memory:');
});
afterAll(() => db.raw.close());

function plan(q: Sql): string[] {
  return db.raw.prepare(`EXPLAIN QUERY PLAN ${q.text}`).all(...q.params).map((r) => (r as { detail: string }).detail);
}

const base: FactFilter = { minConfidence: 0, includeContradicted: false, includeExpired: false, includeRetracted: false, nowMs: Date.now() };

/** The plan line for the outer `facts f` access (subqueries alias facts as r). */
function outerFactsAccess(lines: string[]): string {
  const line = lines.find((l) => /\b(SCAN|SEARCH) f\b/.test(l));
  if (!line) throw new Error(`no access to facts f in plan:\n${lines.join('\n')}`);
  return line;
}

describe('query plans', () => {
  it('an entity filter searches facts_triple_cid for the page and the count', () => {
    const q = { ...base, entity: 'stigmem://testnode/user/alice' };
    expect(outerFactsAccess(plan(factPageSql(q, null, 51)))).toMatch(/SEARCH f USING INDEX facts_triple_cid \(entity=\?/);
    expect(outerFactsAccess(plan(factCountSql(q)))).toMatch(/SEARCH f USING INDEX facts_triple_cid \(entity=\?/);
  });

  it('the retraction and conflict checks are index lookups', () => {
    const lines = plan(factPageSql({ ...base, entity: 'e' }, null, 51));
    expect(lines.some((l) => /SEARCH r USING (COVERING )?INDEX facts_triple_cid/.test(l))).toBe(true);
    expect(lines.some((l) => /SEARCH c USING (COVERING )?INDEX conflicts_fact_a/.test(l))).toBe(true);
    expect(lines.some((l) => /SEARCH c USING (COVERING )?INDEX conflicts_fact_b/.test(l))).toBe(true);
    expect(lines.some((l) => /SCAN (r|c)\b/.test(l))).toBe(false);
  });

  it('a relation or source filter uses its index; an unfiltered page walks seq backwards without sorting', () => {
    expect(outerFactsAccess(plan(factPageSql({ ...base, relation: 'memory:role' }, null, 51)))).toMatch(/USING INDEX facts_relation/);
    expect(outerFactsAccess(plan(factPageSql({ ...base, source: 's' }, null, 51)))).toMatch(/USING INDEX facts_source/);
    const unfiltered = plan(factPageSql(base, 100, 51));
    expect(outerFactsAccess(unfiltered)).toMatch(/SEARCH f USING INTEGER PRIMARY KEY \(rowid<\?\)/);
    expect(unfiltered.some((l) => l.includes('USE TEMP B-TREE FOR ORDER BY'))).toBe(false);
  });

  it('a lookup by CID probes the windowed prefix index once per window, never scanning facts', () => {
    const cid = `sha256:${'ab'.repeat(32)}`;
    const lines = plan(sql`SELECT f.id FROM facts f WHERE ${cidMatches('f', cid)}`);
    expect(lines.some((l) => /SEARCH c USING INDEX facts_cid_window \(<expr>=\? AND <expr>=\?\)/.test(l))).toBe(true);
    expect(outerFactsAccess(lines)).toMatch(/SEARCH f USING INTEGER PRIMARY KEY/);
    expect(lines.some((l) => /SCAN (c|f)\b/.test(l))).toBe(false);
  });

  it('an idempotent write finds its twin through the unique triple+CID index', () => {
    const lines = plan(sql`SELECT f.id FROM facts f WHERE ${tripleCidMatches('f', { entity: 'e', relation: 'r', scope: 'public', cid: 'sha256:00' })}`);
    expect(outerFactsAccess(lines)).toMatch(/SEARCH f USING (COVERING )?INDEX facts_triple_cid \(entity=\? AND relation=\? AND scope=\? AND cid=\?\)/);
  });

  it('a served page walks facts_served from the cursor in HLC order, without sorting', () => {
    for (const [cursor, minHlc] of [[null, null], ['1763900000000.001', null], ['1763900000000.001', '1763000000000.000']] as const) {
      const lines = plan(servableScopeSql('public', cursor, 501, minHlc));
      expect(outerFactsAccess(lines)).toMatch(cursor === null ? /SEARCH f USING INDEX facts_served \(scope=\?\)/ : /SEARCH f USING INDEX facts_served \(scope=\? AND hlc>\?\)/);
      expect(lines.some((l) => l.includes('TEMP B-TREE'))).toBe(false);
    }
  });
});
