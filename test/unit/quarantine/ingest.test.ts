// Federated facts below the threshold land in quarantine: reason, snapshot, sink, audit; above it, or from this
// node's own API keys, they do not.
import { afterEach, describe, expect, it } from 'vitest';
import { addPeer, auditEvents, BOT, builtinGardenId, ingest, ingestIds, makeTestNode, remoteFact, TUTORIAL_REASON, type TestNode } from './helpers.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

async function node(env: Record<string, string> = {}): Promise<TestNode> {
  const n = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict', ...env });
  nodes.push(n);
  return n;
}

describe('quarantine at federated ingest', () => {
  it('holds a strict-mode fact from an unverified source in the built-in garden with the tutorial reason', async () => {
    const n = await node();
    const peer = addPeer(n);
    const [id] = ingestIds(n, peer, [remoteFact()]);
    const rec = await n.req('GET', `/v1/facts/${id}`);
    expect(rec.status).toBe(200);
    expect(rec.body).toMatchObject({
      fact_id: id, quarantine_status: 'pending', quarantine_garden_id: builtinGardenId(n), garden_id: builtinGardenId(n),
      quarantine_reason: TUTORIAL_REASON, source_trust: 0.15, confidence: 0.85, effective_confidence: 0.1275,
    });
    expect((await n.req('GET', '/v1/facts')).body.facts).toEqual([]);
  });

  it('audits the arrival as a fact event and in the federation audit', async () => {
    const n = await node();
    const peer = addPeer(n);
    const [id] = ingestIds(n, peer, [remoteFact()]);
    const ingestEvents = auditEvents(n, 'quarantine_ingest');
    expect(ingestEvents).toEqual([expect.objectContaining({ category: 'fact', subject: id, peer_id: peer.id, detail: expect.objectContaining({ reason: TUTORIAL_REASON, source_trust: 0.15, via: 'federation' }) })]);
    const fed = await n.req('GET', '/v1/federation/audit?event_type=fact_quarantined');
    expect(fed.body.entries).toEqual([expect.objectContaining({ event_type: 'fact_quarantined', peer_id: peer.id, subject: id })]);
  });

  it('lets a fact at or above the threshold through, keeping its trust snapshot', async () => {
    const n = await node({ STIGMEM_TRUST_QUARANTINE_THRESHOLD: '0.1' });
    const peer = addPeer(n);
    const [id] = ingestIds(n, peer, [remoteFact()]);
    const rec = (await n.req('GET', `/v1/facts/${id}`)).body;
    expect(rec).toMatchObject({ quarantine_status: null, quarantine_garden_id: null, garden_id: null, source_trust: 0.15, quarantine_reason: null });
    expect((await n.req('GET', '/v1/facts')).body.facts.map((f: { id: string }) => f.id)).toEqual([id]);
    expect(auditEvents(n, 'quarantine_ingest')).toEqual([]);
  });

  it('admits a source the operator scored above the threshold', async () => {
    const n = await node();
    expect((await n.req('PUT', `/v1/federation/trust-scores/${encodeURIComponent('stigmem://org-b.example')}`, { score: 0.9 })).status).toBe(200);
    const [id] = ingestIds(n, addPeer(n), [remoteFact()]);
    expect((await n.req('GET', `/v1/facts/${id}`)).body).toMatchObject({ quarantine_status: null, source_trust: 0.9, effective_confidence: 0.765 });
  });

  it('recall and conflicts weigh and report the live score: an override after ingest counts at once', async () => {
    const n = await node({ STIGMEM_TRUST_MODE: 'relaxed' });
    const source = 'stigmem://org-b.example/agent/planner';
    const peer = addPeer(n);
    const entity = 'stigmem://org-b.example/project/live';
    const [a, b] = ingestIds(n, peer, [remoteFact({ source, entity, v: 'one', scope: 'public' }), remoteFact({ source, entity, v: 'two', scope: 'public' })]);
    const snapshot = (await n.req('GET', `/v1/facts/${a}`)).body.source_trust as number;
    expect(snapshot).not.toBe(0.9);
    expect((await n.req('PUT', `/v1/federation/trust-scores/${encodeURIComponent(source)}`, { score: 0.9 })).status).toBe(200);
    const recalled = await n.req('POST', '/v1/recall', { query: 'live', entity, scope: 'public' });
    expect(recalled.status).toBe(200);
    const hit = recalled.body.facts.find((f: { fact: { id: string } }) => f.fact.id === a);
    expect(hit.score_breakdown.source_trust).toBe(0.9);
    expect(hit.fact.effective_confidence).toBe(0.765);
    const conflicts = await n.req('GET', '/v1/conflicts');
    const c = conflicts.body.conflicts.find((x: { fact_a: { id: string }; fact_b: { id: string } }) => [x.fact_a.id, x.fact_b.id].sort().join() === [a, b].sort().join());
    expect(c.fact_a.effective_confidence).toBe(0.765);
    expect(c.fact_b.effective_confidence).toBe(0.765);
  });

  it('stores no snapshot and quarantines nothing when trust is off', async () => {
    const n = await node({ STIGMEM_TRUST_MODE: 'off' });
    const [id] = ingestIds(n, addPeer(n), [remoteFact()]);
    expect((await n.req('GET', `/v1/facts/${id}`)).body).toMatchObject({ quarantine_status: null, source_trust: null, effective_confidence: null });
  });

  it('quarantines in relaxed mode too when the formula falls below the threshold (company scope, unknown org)', async () => {
    const n = await node({ STIGMEM_TRUST_MODE: 'relaxed' });
    const peer = addPeer(n);
    const [held, passed] = ingestIds(n, peer, [remoteFact({ scope: 'company' }), remoteFact({ scope: 'public' })]);
    expect((await n.req('GET', `/v1/facts/${held}`)).body).toMatchObject({ quarantine_status: 'pending', source_trust: 0.255, quarantine_reason: 'auto-quarantine: source_trust below threshold (t=0.26)' });
    expect((await n.req('GET', `/v1/facts/${passed}`)).body).toMatchObject({ quarantine_status: null, source_trust: 0.33 });
  });

  it('never scores facts written with this node\'s own API keys', async () => {
    const n = await node();
    const res = await n.req('POST', '/v1/facts', { entity: 'stigmem://localhost:8765/project/x', relation: 'memory:status', value: { type: 'string', v: 'a' }, source: BOT, confidence: 0.85, scope: 'company' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ source_trust: null, quarantine_status: null, quarantine_garden_id: null, effective_confidence: null });
  });

  it('sends facts to the garden PATCH /v1/admin/config chose', async () => {
    const n = await node();
    const g = await n.req('POST', '/v1/gardens', { slug: 'inbound-quarantine', name: 'Inbound quarantine', scope: 'company', quarantine: true });
    expect((await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: g.body.id })).status).toBe(200);
    const [id] = ingestIds(n, addPeer(n), [remoteFact({ scope: 'public' })]);
    expect((await n.req('GET', `/v1/facts/${id}`)).body).toMatchObject({ quarantine_status: 'pending', quarantine_garden_id: g.body.id });
  });

  it('keeps a quarantined retraction from retracting anything until it is promoted', async () => {
    const n = await node({ STIGMEM_TRUST_QUARANTINE_THRESHOLD: '0.1' });
    const peer = addPeer(n);
    const [kept] = ingestIds(n, peer, [remoteFact({ entity: 'stigmem://org-b.example/e/r', v: 'same' })]);
    await n.req('PUT', `/v1/federation/trust-scores/${encodeURIComponent(BOT)}`, { score: 0.05 });
    const r = ingest(n, peer, [remoteFact({ entity: 'stigmem://org-b.example/e/r', v: 'same', confidence: 0 })]);
    expect(r.accepted).toBe(1);
    const listed = (await n.req('GET', '/v1/facts')).body.facts.map((f: { id: string }) => f.id);
    expect(listed).toEqual([kept]);
  });
});
