// The trust score: the reference formula's parts, strict mode's 0.15 for unverified sources, operator overrides
// (longest whole-segment prefix wins) and the modes at routing time.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isoFromMs } from '../../../src/main/node/clock.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { autoQuarantineReason, routeIncomingFact } from '../../../src/main/node/federation/routing.js';
import { scoreSource, STRICT_UNVERIFIED_SCORE } from '../../../src/main/node/trust/score.js';
import { putOverride } from '../../../src/main/node/trust/store.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { JUNE_2026, VECTOR, testClock } from '../manifests/fixtures.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

async function node(env: Record<string, string> = {}): Promise<TestNode> {
  const n = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed, ...env }, { clock: testClock() });
  nodes.push(n);
  return n;
}

/** Publish the §3.4 vector manifest (org-a.example, entities: itself and agent/bot) through the real route. */
async function publishOrgA(n: TestNode): Promise<void> {
  const res = await n.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: '__self_sign__' });
  expect(res.status).toBe(200);
}

function override(n: TestNode, source: string, score: number): void {
  putOverride(n.deps.db, { source, score, note: null, set_by: 'test', set_at: isoFromMs(JUNE_2026) });
}

function addFacts(n: TestNode, source: string, count: number, opts: { attested?: number | null; ageMs?: number } = {}): void {
  n.deps.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      n.deps.db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope, attested)
        VALUES (${id}, ${`sha256:${id}`}, 'e:x', 'r:y', 'string', ${id}, ${source}, ${isoFromMs(JUNE_2026 - (opts.ageMs ?? 1000))}, '1.0', 0.5, 'company', ${opts.attested ?? null})`);
    }
  });
}

const BOT = 'stigmem://org-b.example/agent/bot';

describe('the formula (relaxed mode)', () => {
  it('scores an unknown federated org in company scope 0.255, with the reference parts', async () => {
    const n = await node();
    const t = scoreSource(n.deps, { source: BOT, scope: 'company', via: 'federation' });
    expect(t).toMatchObject({ score: 0.255, computed: 0.255, origin: 'computed', isVerified: false, override: null });
    expect(t.parts).toEqual({ identity: 0.1, peer_history: 0.5, scope_authority: 0.2, attestation_mode: 0.2 });
  });

  it('weighs the parts with STIGMEM_TRUST_WEIGHT_*, clamped to 1, and shows the weights in the settings', async () => {
    // identity 0.1, peer history 0.5, scope authority 0.2, attestation 0.2 (the unknown org above).
    const n = await node({ STIGMEM_TRUST_WEIGHT_IDENTITY: '1', STIGMEM_TRUST_WEIGHT_PEER_HISTORY: '0', STIGMEM_TRUST_WEIGHT_SCOPE_AUTHORITY: '0.5', STIGMEM_TRUST_WEIGHT_ATTESTATION_MODE: '0' });
    expect(scoreSource(n.deps, { source: BOT, scope: 'company', via: 'federation' }).score).toBe(0.2);
    const settings = await n.req('GET', '/v1/federation/trust-scores');
    expect(settings.body.weights).toEqual({ identity: 1, peer_history: 0, scope_authority: 0.5, attestation_mode: 0 });
    const heavy = await node({ STIGMEM_TRUST_WEIGHT_IDENTITY: '1', STIGMEM_TRUST_WEIGHT_PEER_HISTORY: '1', STIGMEM_TRUST_WEIGHT_SCOPE_AUTHORITY: '1', STIGMEM_TRUST_WEIGHT_ATTESTATION_MODE: '1' });
    expect(scoreSource(heavy.deps, { source: BOT, scope: 'company', via: 'federation' }).score).toBe(1);
  });

  it('gives public scope 0.5 for scope authority, a token write 0.5 for identity, and a plain name 0 identity', async () => {
    const n = await node();
    expect(scoreSource(n.deps, { source: BOT, scope: 'public', via: 'federation' }).score).toBe(0.33);
    expect(scoreSource(n.deps, { source: BOT, scope: 'company', via: 'token' }).score).toBe(0.395);
    expect(scoreSource(n.deps, { source: 'alice', scope: 'company', via: 'federation' }).parts.identity).toBe(0);
  });

  it('scores identity 1.0 for a source a logged manifest covers, and 0.7 scope authority under the node URL', async () => {
    const n = await node();
    await publishOrgA(n);
    expect(scoreSource(n.deps, { source: 'stigmem://org-a.example/agent/bot', scope: 'company', via: 'federation' })).toMatchObject({ isVerified: true, parts: { identity: 1 } });
    expect(scoreSource(n.deps, { source: 'stigmem://org-a.example', scope: 'company', via: 'federation' }).parts.identity).toBe(1);
    expect(scoreSource(n.deps, { source: 'stigmem://org-a.example/agent/other', scope: 'company', via: 'federation' }).isVerified).toBe(false);
    expect(scoreSource(n.deps, { source: 'stigmem://localhost:8765/agent/x', scope: 'company', via: 'federation' }).parts.scope_authority).toBe(0.7);
    expect(scoreSource(n.deps, { source: 'stigmem://localhost:87650/agent/x', scope: 'company', via: 'federation' }).parts.scope_authority).toBe(0.2);
  });

  it('reads peer history from the latest facts of the source in the last 30 days', async () => {
    const n = await node();
    addFacts(n, 'stigmem://h.example/a', 20);
    expect(scoreSource(n.deps, { source: 'stigmem://h.example/a', scope: 'company', via: 'federation' }).parts.peer_history).toBe(0.7);
    addFacts(n, 'stigmem://h.example/b', 100);
    expect(scoreSource(n.deps, { source: 'stigmem://h.example/b', scope: 'company', via: 'federation' }).parts.peer_history).toBe(1);
    addFacts(n, 'stigmem://h.example/c', 18);
    addFacts(n, 'stigmem://h.example/c', 2, { attested: 0 });
    expect(scoreSource(n.deps, { source: 'stigmem://h.example/c', scope: 'company', via: 'federation' }).parts.peer_history).toBe(0.3);
    addFacts(n, 'stigmem://h.example/old', 50, { ageMs: 31 * 24 * 3_600_000 });
    expect(scoreSource(n.deps, { source: 'stigmem://h.example/old', scope: 'company', via: 'federation' }).parts.peer_history).toBe(0.5);
  });
});

describe('strict mode', () => {
  it('gives a source no verified manifest covers 0.15, even inside a published org (the tutorial bot)', async () => {
    const n = await node({ STIGMEM_TRUST_MODE: 'strict', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
    await publishOrgA(n);
    const bot = scoreSource(n.deps, { source: 'stigmem://org-a.example/agent/other', scope: 'company', via: 'token' });
    expect(bot).toMatchObject({ score: STRICT_UNVERIFIED_SCORE, origin: 'strict_unverified', computed: 0.395 });
    expect(scoreSource(n.deps, { source: 'stigmem://org-a.example/agent/bot', scope: 'company', via: 'token' })).toMatchObject({ origin: 'computed', isVerified: true });
  });

  it('lets an override win over the strict floor', async () => {
    const n = await node({ STIGMEM_TRUST_MODE: 'strict' });
    override(n, 'stigmem://org-b.example', 0.8);
    expect(scoreSource(n.deps, { source: BOT, scope: 'company', via: 'federation' })).toMatchObject({ score: 0.8, origin: 'override' });
  });
});

describe('overrides', () => {
  it('take the longest matching prefix, and never a look-alike authority', async () => {
    const n = await node();
    override(n, 'stigmem://org-b.example', 0.8);
    override(n, 'stigmem://org-b.example/agent', 0.1);
    override(n, BOT, 0.95);
    expect(scoreSource(n.deps, { source: BOT, scope: 'company', via: 'federation' }).score).toBe(0.95);
    expect(scoreSource(n.deps, { source: 'stigmem://org-b.example/agent/other', scope: 'company', via: 'federation' }).score).toBe(0.1);
    expect(scoreSource(n.deps, { source: 'stigmem://org-b.example/project/x', scope: 'company', via: 'federation' }).score).toBe(0.8);
    const evil = scoreSource(n.deps, { source: 'stigmem://org-b.example.evil/agent/bot', scope: 'company', via: 'federation' });
    expect(evil).toMatchObject({ origin: 'computed', override: null, score: 0.255 });
  });
});

describe('routing by mode and threshold', () => {
  it('quarantines below the threshold with the two-decimal reason, in relaxed and strict', async () => {
    for (const mode of ['relaxed', 'strict']) {
      const n = await node({ STIGMEM_TRUST_MODE: mode });
      const route = routeIncomingFact(n.deps, { source: BOT, scope: 'company', via: 'federation' });
      const t = mode === 'strict' ? 0.15 : 0.255;
      expect(route).toMatchObject({ sourceTrust: t, quarantineReason: autoQuarantineReason(t) });
      expect(route.quarantineGardenId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(autoQuarantineReason(0.15)).toBe('auto-quarantine: source_trust below threshold (t=0.15)');
    expect(autoQuarantineReason(0.255)).toBe('auto-quarantine: source_trust below threshold (t=0.26)');
  });

  it('passes a fact at or above the threshold with its snapshot, and scores nothing when trust is off', async () => {
    const low = await node({ STIGMEM_TRUST_MODE: 'strict', STIGMEM_TRUST_QUARANTINE_THRESHOLD: '0.15' });
    expect(routeIncomingFact(low.deps, { source: BOT, scope: 'company', via: 'token' })).toMatchObject({ sourceTrust: 0.15, quarantineGardenId: null, quarantineReason: null });
    const alias = await node({ STIGMEM_TRUST_MODE: 'strict', STIGMEM_QUARANTINE_TRUST_THRESHOLD: '0.1' });
    expect(routeIncomingFact(alias.deps, { source: BOT, scope: 'company', via: 'token' }).quarantineGardenId).toBeNull();
    const off = await node({ STIGMEM_TRUST_MODE: 'off' });
    expect(routeIncomingFact(off.deps, { source: BOT, scope: 'company', via: 'federation' })).toEqual({ sourceTrust: null, quarantineGardenId: null, quarantineReason: null, trustOrigin: null });
    expect(off.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM trust_sources_seen`)!.n).toBe(0);
  });

  it('remembers the sources it scored', async () => {
    const n = await node();
    routeIncomingFact(n.deps, { source: BOT, scope: 'company', via: 'federation' });
    routeIncomingFact(n.deps, { source: BOT, scope: 'public', via: 'token' });
    const seen = n.deps.db.get<{ scope: string; via: string; facts_seen: number; last_score: number }>(sql`SELECT * FROM trust_sources_seen WHERE source = ${BOT}`);
    expect(seen).toMatchObject({ scope: 'public', via: 'token', facts_seen: 2, last_score: 0.47 });
  });
});
