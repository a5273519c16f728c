// Moderation: promote and reject on the garden routes, the reference /v1/quarantine routes and the runbook batch;
// one decision per fact (409 after), who/when/why recorded and audited, facts never rewritten.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../../src/main/node/db/sql.js';
import {
  addKey, addMember, addPeer, auditEvents, builtinGardenId, ingestIds, makeTestNode, remoteFact, TUTORIAL_REASON, type TestNode,
} from './helpers.js';

let n: TestNode;
let qg: string;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict' });
  qg = builtinGardenId(n);
});
afterEach(async () => n.close());

const pending = (count: number): string[] => ingestIds(n, addPeer(n), Array.from({ length: count }, () => remoteFact()));
const standardIds = async (q = ''): Promise<string[]> => (await n.req('GET', `/v1/facts?include_retracted=true&include_contradicted=true${q}`)).body.facts.map((f: { id: string }) => f.id);
const factRow = (id: string) => n.deps.db.get(sql`SELECT * FROM facts WHERE id = ${id}`);

describe('the garden routes', () => {
  it('promote into the main fabric: 200 with who and when, then the fact joins standard recall', async () => {
    const [id] = pending(1);
    const before = factRow(id!);
    const res = await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: id, target_garden_id: null, reason: 'Org B status update verified; source has valid capability token.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fact_id: id, action: 'promoted', target_garden_id: null, acted_by: 'stigmem://localhost:8765', reason: 'Org B status update verified; source has valid capability token.' });
    expect(res.body.acted_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(Object.keys(res.body).slice(0, 5)).toEqual(['fact_id', 'action', 'target_garden_id', 'acted_by', 'acted_at']);
    expect(await standardIds()).toEqual([id]);
    const rec = (await n.req('GET', `/v1/facts/${id}`)).body;
    expect(rec).toMatchObject({ quarantine_status: 'promoted', garden_id: null, quarantine_garden_id: qg, source_trust: 0.15, confidence: 0.85, quarantine_reason: TUTORIAL_REASON });
    // The stored fact is untouched: the decision is a row of its own.
    expect(factRow(id!)).toEqual(before);
  });

  it('answer a second decision with 409 fact_not_quarantine_pending, whichever route it comes by', async () => {
    const [id] = pending(1);
    expect((await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: id })).status).toBe(200);
    for (const [url, body] of [
      [`/v1/gardens/${qg}/promote`, { fact_id: id }], [`/v1/gardens/${qg}/reject`, { fact_id: id }],
      [`/v1/quarantine/${id}/admit`, undefined], [`/v1/quarantine/${id}/reject`, undefined],
    ] as const) {
      const again = await n.req('POST', url, body);
      expect([url, again.status, again.body.detail]).toEqual([url, 409, 'fact_not_quarantine_pending']);
    }
    expect(n.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM quarantine_decisions`)!.n).toBe(1);
  });

  it('reject: the fact is kept, reads confidence 0 and rejected, and never appears in standard recall', async () => {
    const [id] = pending(1);
    const res = await n.req('POST', `/v1/gardens/${qg}/reject`, { fact_id: id, reason: 'Source unverified.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fact_id: id, action: 'rejected', reason: 'Source unverified.' });
    expect(res.body).not.toHaveProperty('target_garden_id');
    const rec = await n.req('GET', `/v1/facts/${id}`);
    expect(rec.status).toBe(200);
    expect(rec.text).toContain('"confidence":0.0');
    expect(rec.body).toMatchObject({ quarantine_status: 'rejected', effective_confidence: 0, garden_id: qg });
    // The CID still covers the asserted confidence.
    expect((await n.req('POST', `/v1/facts/${id}/verify-cid`, {})).body).toMatchObject({ cid_valid: true });
    expect(n.deps.db.get<{ confidence: number }>(sql`SELECT confidence FROM facts WHERE id = ${id}`)!.confidence).toBe(0.85);
    expect(await standardIds()).toEqual([]);
    expect(await standardIds('&min_confidence=0')).toEqual([]);
  });

  it('promote into a named garden, which then shows the fact', async () => {
    const team = await n.req('POST', '/v1/gardens', { slug: 'team-a', name: 'Team A', scope: 'company' });
    const [id] = pending(1);
    const res = await n.req('POST', `/v1/gardens/quarantine/promote`, { fact_id: id, target_garden_id: 'team-a' });
    expect(res.body).toMatchObject({ action: 'promoted', target_garden_id: team.body.id });
    expect((await n.req('GET', `/v1/facts/${id}`)).body).toMatchObject({ garden_id: team.body.id, quarantine_status: 'promoted' });
    expect((await n.req('GET', '/v1/facts?garden_id=team-a')).body.facts.map((f: { id: string }) => f.id)).toEqual([id]);
    // A member of the target garden reads it; a stranger with read does not.
    const member = addKey(n, 'x:member', ['read']);
    addMember(n, team.body.id, 'x:member', 'reader');
    const stranger = addKey(n, 'x:stranger', ['read']);
    expect((await n.req('GET', `/v1/facts/${id}`, undefined, member)).status).toBe(200);
    expect((await n.req('GET', `/v1/facts/${id}`, undefined, stranger)).status).toBe(403);
    expect((await n.req('GET', '/v1/facts', undefined, stranger)).body.facts).toEqual([]);
  });

  it('refuse as the reference does: 404 garden, 422 not a quarantine garden, 404 fact elsewhere, 404/422 target', async () => {
    const [id] = pending(1);
    const plain = await n.req('POST', '/v1/gardens', { slug: 'plain', name: 'Plain' });
    const other = await n.req('POST', '/v1/gardens', { slug: 'other-q', name: 'Other', quarantine: true });
    const cases: [string, unknown, number, string][] = [
      ['/v1/gardens/nope/promote', { fact_id: id }, 404, 'garden not found'],
      [`/v1/gardens/${plain.body.id}/promote`, { fact_id: id }, 422, 'this endpoint is only valid for quarantine gardens'],
      [`/v1/gardens/${other.body.id}/promote`, { fact_id: id }, 404, 'fact not found in quarantine garden'],
      [`/v1/gardens/${qg}/reject`, { fact_id: 'no-such-fact' }, 404, 'fact not found in quarantine garden'],
      [`/v1/gardens/${qg}/promote`, { fact_id: id, target_garden_id: 'missing' }, 404, 'target garden not found'],
      [`/v1/gardens/${qg}/promote`, { fact_id: id, target_garden_id: other.body.id }, 422, 'target garden must not be a quarantine garden'],
    ];
    for (const [url, body, status, detail] of cases) {
      const res = await n.req('POST', url, body);
      expect([url, res.status, res.body.detail]).toEqual([url, status, detail]);
    }
  });

  it('refuse a target garden of another scope than the fact, on every promote route, and leave the fact pending', async () => {
    const [id] = pending(1);
    const pub = await n.req('POST', '/v1/gardens', { slug: 'pub', name: 'Public', scope: 'public' });
    const mismatch = "scope mismatch: garden scope is 'public' but fact scope is 'company'";
    const single = await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: id, target_garden_id: pub.body.id });
    expect([single.status, single.body.code, single.body.detail]).toEqual([422, 'scope_mismatch', mismatch]);
    const admit = await n.req('POST', `/v1/quarantine/${id}/admit?target_garden_id=pub`);
    expect([admit.status, admit.body.detail]).toEqual([422, mismatch]);
    const batch = await n.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [id], target_garden_id: 'pub' });
    expect(batch.body).toMatchObject({ promoted: 0, failed: 1, results: [{ fact_id: id, error: { status: 422, code: 'scope_mismatch' } }] });
    expect((await n.req('GET', `/v1/facts/${id}`)).body).toMatchObject({ quarantine_status: 'pending', garden_id: qg });
  });
});

describe('who may decide', () => {
  it('node admins and the garden\'s admin or quarantine:moderator members; nobody else', async () => {
    const [a, b, c] = pending(3);
    const mod = addKey(n, 'x:mod', ['read']);
    const gardenAdmin = addKey(n, 'x:gadmin', ['read']);
    const reader = addKey(n, 'x:reader', ['read', 'write']);
    const writer = addKey(n, 'x:writer', ['read', 'write']);
    addMember(n, qg, 'x:mod', 'quarantine:moderator');
    addMember(n, qg, 'x:gadmin', 'admin');
    addMember(n, qg, 'x:reader', 'reader');
    const denied = 'quarantine:moderator or admin role required to promote/reject facts';
    for (const key of [reader, writer]) {
      const res = await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: a }, key);
      expect([res.status, res.body.detail]).toEqual([403, denied]);
      expect((await n.req('POST', `/v1/quarantine/${a}/admit`, undefined, key)).status).toBe(403);
      expect((await n.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [a] }, key)).status).toBe(403);
    }
    expect((await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: a }, mod)).status).toBe(200);
    expect((await n.req('POST', `/v1/gardens/${qg}/reject`, { fact_id: b }, gardenAdmin)).status).toBe(200);
    // The reference /v1/quarantine routes also need write; the moderator here only has read.
    const noWrite = await n.req('POST', `/v1/quarantine/${c}/admit`, undefined, mod);
    expect([noWrite.status, noWrite.body.detail]).toEqual([403, 'write permission required']);
    expect((await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: c }, false)).status).toBe(401);
  });

  it('does not let anonymous callers decide even with auth off, though they may list', async () => {
    const open = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict', STIGMEM_AUTH_REQUIRED: 'false' });
    try {
      const [id] = ingestIds(open, addPeer(open), [remoteFact()]);
      expect((await open.req('GET', '/v1/facts?garden=quarantine&limit=50', undefined, false)).body.facts.map((f: { id: string }) => f.id)).toEqual([id]);
      expect((await open.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [id] }, false)).status).toBe(403);
      expect((await open.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [id] })).body.promoted).toBe(1);
    } finally {
      await open.close();
    }
  });
});

describe('the reference /v1/quarantine routes', () => {
  it('admit (query parameters, action "admitted") and reject', async () => {
    const team = await n.req('POST', '/v1/gardens', { slug: 'team-b', name: 'Team B' });
    const [a, b] = pending(2);
    const admit = await n.req('POST', `/v1/quarantine/${a}/admit?target_garden_id=team-b&reason=looks%20right`);
    expect(admit.status).toBe(200);
    expect(admit.body).toMatchObject({ fact_id: a, action: 'admitted', target_garden_id: team.body.id, reason: 'looks right' });
    const reject = await n.req('POST', `/v1/quarantine/${b}/reject`);
    expect(reject.body).toMatchObject({ fact_id: b, action: 'rejected', reason: 'rejected via admin API' });
    expect((await n.req('POST', '/v1/quarantine/unknown-id/reject')).body.detail).toBe('quarantined fact not found');
  });
});

describe('the runbook batch', () => {
  it('promotes each id on its own into the main fabric, reporting failures per id', async () => {
    const [a, b] = pending(2);
    const res = await n.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [a, b, a, 'missing'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ promoted: 2, failed: 2 });
    expect(res.body.results).toEqual([
      expect.objectContaining({ fact_id: a, action: 'promoted', target_garden_id: null }),
      expect.objectContaining({ fact_id: b, action: 'promoted', target_garden_id: null }),
      { fact_id: a, error: { status: 409, detail: 'fact_not_quarantine_pending', code: 'fact_not_quarantine_pending' } },
      { fact_id: 'missing', error: { status: 404, detail: 'quarantined fact not found', code: 'quarantined_fact_not_found' } },
    ]);
    expect((await standardIds()).sort()).toEqual([a, b].sort());
  });

  it('leaves facts of gardens the caller does not moderate alone', async () => {
    const other = await n.req('POST', '/v1/gardens', { slug: 'other-q', name: 'Other', quarantine: true });
    const [a] = pending(1);
    await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: other.body.id });
    const [b] = pending(1);
    const mod = addKey(n, 'x:mod', ['read']);
    addMember(n, other.body.id, 'x:mod', 'quarantine:moderator');
    const res = await n.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [a, b] }, mod);
    expect(res.body.results.map((r: { error?: { status: number } }) => r.error?.status ?? 200)).toEqual([404, 200]);
  });
});

describe('joining recall', () => {
  it('records a conflict with a contradicting fact when promoted, as a fresh write would', async () => {
    const entity = 'stigmem://org-b.example/project/atlas';
    const local = await n.req('POST', '/v1/facts', { entity, relation: 'memory:status', value: { type: 'string', v: 'paused' }, source: 'stigmem://localhost:8765/agent/a', confidence: 0.9, scope: 'company' });
    const [id] = ingestIds(n, addPeer(n), [remoteFact({ entity, v: 'active' })]);
    expect((await n.req('GET', '/v1/conflicts')).body.conflicts).toEqual([]);
    await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: id });
    const conflicts = (await n.req('GET', '/v1/conflicts')).body.conflicts;
    expect(conflicts.map((c: { fact_a: { id: string }; fact_b: { id: string }; status: string }) => [c.fact_a.id, c.fact_b.id, c.status])).toEqual([[id, local.body.id, 'unresolved']]);
    // Contradicted facts leave the default listing, as for any write.
    expect((await n.req('GET', '/v1/facts')).body.facts).toEqual([]);
  });

  it('applies a quarantined retraction once it is promoted', async () => {
    const entity = 'stigmem://org-b.example/e/r';
    await n.req('PUT', `/v1/federation/trust-scores/${encodeURIComponent('stigmem://org-b.example')}`, { score: 0.9 });
    const peer = addPeer(n);
    const [kept] = ingestIds(n, peer, [remoteFact({ entity, v: 'same' })]);
    await n.req('DELETE', `/v1/federation/trust-scores/${encodeURIComponent('stigmem://org-b.example')}`);
    const [retraction] = ingestIds(n, peer, [remoteFact({ entity, v: 'same', confidence: 0 })]);
    expect((await n.req('GET', '/v1/facts')).body.facts.map((f: { id: string }) => f.id)).toEqual([kept]);
    await n.req('POST', '/v1/federation/quarantine/promote', { fact_ids: [retraction] });
    expect((await n.req('GET', '/v1/facts')).body.facts).toEqual([]);
  });
});

describe('audit and deletion', () => {
  it('audits every decision with who, what and why', async () => {
    const [a, b] = pending(2);
    await n.req('POST', `/v1/gardens/${qg}/promote`, { fact_id: a, reason: 'ok' });
    await n.req('POST', `/v1/gardens/${qg}/reject`, { fact_id: b, reason: 'spam' });
    expect(auditEvents(n, 'quarantine_promote')).toEqual([expect.objectContaining({ category: 'fact', actor: 'stigmem://localhost:8765', subject: a, detail: expect.objectContaining({ reason: 'ok', quarantine_garden_id: qg }) })]);
    expect(auditEvents(n, 'quarantine_reject')).toEqual([expect.objectContaining({ subject: b, detail: expect.objectContaining({ reason: 'spam' }) })]);
    // Decisions are append-only.
    expect(() => n.deps.db.run(sql`UPDATE quarantine_decisions SET action = 'promoted'`)).toThrow(/append-only/);
    expect(() => n.deps.db.run(sql`DELETE FROM quarantine_decisions`)).toThrow(/append-only/);
  });

  it('refuses to delete a quarantine garden while it holds pending facts', async () => {
    const [a] = pending(1);
    const blocked = await n.req('DELETE', `/v1/gardens/${qg}`);
    expect([blocked.status, blocked.body.detail]).toEqual([409, 'quarantine_has_pending_facts']);
    await n.req('POST', `/v1/gardens/${qg}/reject`, { fact_id: a });
    expect((await n.req('DELETE', `/v1/gardens/${qg}`)).status).toBe(204);
    // The next quarantined fact gets a new built-in garden.
    const [b] = pending(1);
    const rec = (await n.req('GET', `/v1/facts/${b}`)).body;
    expect(rec.quarantine_status).toBe('pending');
    expect(rec.quarantine_garden_id).not.toBe(qg);
  });
});
