// With 100,000 pending facts, quarantine listing must walk an index, never scan the facts table or sort it
// (EXPLAIN QUERY PLAN, as the facts query-plan tests do). The first page and the total come back right.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../../src/main/node/db/sql.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { factPageSql } from '../../../src/main/node/facts/query.js';
import { quarantineItemsSql, quarantinedFactsSql, type QuarantineFilter } from '../../../src/main/node/quarantine/listing.js';
import { builtinGardenId, makeTestNode, type TestNode } from './helpers.js';

const PENDING = 100_000;
let n: TestNode;
let qg: string;

beforeAll(async () => {
  n = await makeTestNode();
  qg = builtinGardenId(n);
  // Other facts around them, so a table scan would be visibly wrong.
  const insert = n.deps.db.raw.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope,
      source_trust, quarantine_garden_id, quarantine_reason) VALUES (?, ?, ?, 'memory:status', 'string', ?, ?, '2026-01-01T00:00:00+00:00', ?, 0.85, 'company', ?, ?, ?)`);
  n.deps.db.raw.transaction(() => {
    for (let i = 0; i < PENDING + 20_000; i++) {
      const id = randomUUID();
      const isQuarantined = i % 6 !== 0;
      insert.run(id, `sha256:${id}`, `stigmem://org-b.example/e/${i}`, `v${i}`, 'stigmem://org-b.example/agent/bot', `${1_700_000_000_000 + i}.000`,
        isQuarantined ? 0.15 : null, isQuarantined ? qg : null, isQuarantined ? 'auto-quarantine: source_trust below threshold (t=0.15)' : null);
    }
  })();
}, 120_000);
afterAll(async () => n.close());

function plan(q: Sql): string[] {
  return n.deps.db.raw.prepare(`EXPLAIN QUERY PLAN ${q.text}`).all(...q.params).map((r) => (r as { detail: string }).detail);
}

/** The plan line for the outer access to `facts f`. */
function outerFactsAccess(lines: string[]): string {
  const line = lines.find((l) => /\b(SCAN|SEARCH) f\b/.test(l));
  if (!line) throw new Error(`no access to facts f in plan:\n${lines.join('\n')}`);
  return line;
}

function expectIndexWalk(q: Sql, index: RegExp): void {
  const lines = plan(q);
  expect(outerFactsAccess(lines)).toMatch(index);
  expect(lines.some((l) => /^SCAN f$/.test(l.trim()))).toBe(false);
  expect(lines.some((l) => l.includes('USE TEMP B-TREE'))).toBe(false);
  // The per-fact decision lookups are unique-index probes.
  expect(lines.filter((l) => /\bd\b/.test(l)).every((l) => /SEARCH d USING (COVERING )?INDEX sqlite_autoindex_quarantine_decisions_1/.test(l))).toBe(true);
}

describe('quarantine listing plans with 100,000 pending facts', () => {
  it('seeded what it says', () => {
    expect(n.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM facts WHERE quarantine_garden_id IS NOT NULL`)!.n).toBe(PENDING);
  });

  it('GET /v1/quarantine walks the quarantine index in seq order, for every garden, one, or several', () => {
    const all: QuarantineFilter = { status: 'pending' };
    expectIndexWalk(quarantineItemsSql(all, 100, 0), /SCAN f USING (COVERING )?INDEX facts_quarantined_seq/);
    expectIndexWalk(quarantineItemsSql({ status: 'pending', gardenIds: [qg] }, 100, 0), /SEARCH f USING INDEX facts_quarantine_garden \(quarantine_garden_id=\?\)/);
    expectIndexWalk(quarantineItemsSql({ status: 'pending', gardenIds: [qg, 'another'] }, 100, 0), /SCAN f USING (COVERING )?INDEX facts_quarantined_seq/);
    expectIndexWalk(quarantineItemsSql({ status: null }, 100, 0), /facts_quarantined_seq/);
  });

  it('GET /v1/facts?garden=quarantine does the same, and a cursor makes it a range search', () => {
    expectIndexWalk(quarantinedFactsSql({ status: 'pending' }, null, 51), /SCAN f USING (COVERING )?INDEX facts_quarantined_seq/);
    expectIndexWalk(quarantinedFactsSql({ status: 'pending' }, 5000, 51), /SEARCH f USING (COVERING )?INDEX facts_quarantined_seq \(seq<\?\)/);
  });

  it('counts with covering indexes only', () => {
    const facts = plan(sql`SELECT COUNT(*) AS n FROM facts WHERE quarantine_garden_id IS NOT NULL`);
    expect(facts.join('\n')).toMatch(/USING COVERING INDEX facts_quarantine/);
    const decisions = plan(sql`SELECT COUNT(*) AS n FROM quarantine_decisions WHERE 1 = 1 AND quarantine_garden_id = ${qg}`);
    expect(decisions.join('\n')).toMatch(/USING COVERING INDEX quarantine_decisions_garden/);
  });

  it('keeps a garden query on its index unless facts were promoted into that garden', () => {
    const base = { minConfidence: 0, includeContradicted: false, includeExpired: false, includeRetracted: false, nowMs: Date.now() };
    const lines = plan(factPageSql({ ...base, gardenId: 'g' }, null, 51));
    expect(outerFactsAccess(lines)).toMatch(/SEARCH f USING INDEX facts_garden \(garden_id=\?\)/);
    expect(lines.some((l) => l.includes('USE TEMP B-TREE'))).toBe(false);
    expect(plan(factPageSql({ ...base, gardenId: 'g', withPromotedInto: true }, null, 51)).join('\n')).toMatch(/quarantine_decisions_target/);
  });

  it('answers the first page and the true total', async () => {
    const res = await n.req('GET', '/v1/quarantine?quarantine_status=pending');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(PENDING);
    expect(res.body.items).toHaveLength(100);
    const page = await n.req('GET', '/v1/facts?garden=quarantine&limit=50');
    expect(page.body.total).toBe(PENDING);
    expect(page.body.facts).toHaveLength(50);
    expect(page.body.cursor).not.toBeNull();
  });
});
