// The runbook's Step 6 ("Tune source-trust scores"), command by command, against two real nodes on 127.0.0.1:
// Org B's facts reach Org A by federation, land in quarantine (strict trust, threshold from the environment),
// and the operator views scores, sets one on a URL-encoded source, lists quarantined facts and promotes a batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, waitFor } from '../../helpers/http.js';
import { spawnNode, type NodeProcess } from '../../helpers/process.js';

const KEY_A = 'step6-admin-a-0123456789';
const KEY_B = 'step6-admin-b-0123456789';
const BOT = 'stigmem://org-b.example/agent/bot';
const REASON = 'auto-quarantine: source_trust below threshold (t=0.15)';
const fed = { STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '1' };

const fact = (n: number) => ({
  entity: `stigmem://org-b.example/project/p${n}`, relation: 'memory:status', value: { type: 'string', v: `status ${n}` }, source: BOT, confidence: 0.9, scope: 'public',
});

describe('runbook Step 6: tune source-trust scores', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let peerBonA: string;

  beforeAll(async () => {
    // Org A reads without credentials (the runbook's read commands carry no header) and quarantines by the env threshold.
    a = await spawnNode({
      ...fed, STIGMEM_ADMIN_KEY: KEY_A, STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_AUTH_REQUIRED: 'false',
      STIGMEM_TRUST_MODE: 'strict', STIGMEM_TRUST_QUARANTINE_THRESHOLD: '0.3',
    });
    b = await spawnNode({ ...fed, STIGMEM_ADMIN_KEY: KEY_B, STIGMEM_ENTITY_URI: 'stigmem://org-b.example' });
    const keyA = (await call(`${a.url}/.well-known/stigmem`)).body.public_key;
    const keyB = (await call(`${b.url}/.well-known/stigmem`)).body.public_key;
    const onA = await call(`${a.url}/v1/federation/peers`, { key: KEY_A, body: { peer_url: b.url, trusted_public_key: keyB } });
    const onB = await call(`${b.url}/v1/federation/peers`, { key: KEY_B, body: { peer_url: a.url, trusted_public_key: keyA } });
    expect([onA.status, onA.body.status, onB.status]).toEqual([201, 'active', 201]);
    peerBonA = onA.body.id;
  });
  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
  });

  const received = async (): Promise<number> => (await call(`${a.url}/v1/federation/peers/${peerBonA}`)).body.facts_received as number;
  const quarantined = async () => (await call(`${a.url}/v1/facts?garden=quarantine&limit=50`)).body;
  const standardIds = async (): Promise<string[]> => (await call(`${a.url}/v1/facts?source=${encodeURIComponent(BOT)}&limit=50`)).body.facts.map((f: { id: string }) => f.id);

  it('follows the runbook literally', async () => {
    for (const i of [1, 2, 3]) expect((await call(`${b.url}/v1/facts`, { key: KEY_B, body: fact(i) })).status).toBe(201);
    await waitFor('three facts pulled by Org A', async () => ((await received()) >= 3 ? true : undefined), 20_000);

    // View current scores.
    const scores = await call(`${a.url}/v1/federation/trust-scores`);
    expect(scores.status).toBe(200);
    expect(scores.body).toMatchObject({ trust_mode: 'strict', quarantine_threshold: 0.3 });
    expect(scores.body.scores).toEqual([expect.objectContaining({ source: BOT, score: 0.15, origin: 'strict_unverified', below_threshold: true, facts_seen: 3 })]);

    // Quarantine threshold: facts from sources with t < 0.3 land in quarantine and are excluded from standard recall.
    const listed = await quarantined();
    expect(listed.total).toBe(3);
    expect(listed.facts.map((f: { quarantine_status: string; quarantine_reason: string; source_trust: number }) => [f.quarantine_status, f.quarantine_reason, f.source_trust]))
      .toEqual(Array(3).fill(['pending', REASON, 0.15]));
    expect(await standardIds()).toEqual([]);
    const audit = await call(`${a.url}/v1/federation/audit?event_type=fact_quarantined`);
    expect(audit.body.entries).toHaveLength(3);

    // Set a score (the source id URL-encoded; a prefix covers the whole org).
    const put = await call(`${a.url}/v1/federation/trust-scores/${encodeURIComponent('stigmem://org-b.example')}`, { method: 'PUT', key: KEY_A, body: { score: 0.8 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ source: 'stigmem://org-b.example', score: 0.8, origin: 'override' });
    const after = (await call(`${a.url}/v1/federation/trust-scores`)).body.scores;
    expect(after.find((s: { source: string }) => s.source === BOT)).toMatchObject({ score: 0.8, origin: 'override', below_threshold: false });

    // New facts from the source now pass straight into recall.
    expect((await call(`${b.url}/v1/facts`, { key: KEY_B, body: fact(4) })).status).toBe(201);
    await waitFor('the fourth fact at Org A', async () => ((await received()) >= 4 ? true : undefined), 20_000);
    const direct = await standardIds();
    expect(direct).toHaveLength(1);

    // Promote a batch to the default garden.
    const [first, second, third] = listed.facts.map((f: { id: string }) => f.id) as string[];
    const promote = await call(`${a.url}/v1/federation/quarantine/promote`, { key: KEY_A, body: { fact_ids: [first, second] } });
    expect(promote.status).toBe(200);
    expect(promote.body).toMatchObject({ promoted: 2, failed: 0 });
    expect(promote.body.results.map((r: { target_garden_id: string | null }) => r.target_garden_id)).toEqual([null, null]);

    const left = await quarantined();
    expect(left.facts.map((f: { id: string }) => f.id)).toEqual([third]);
    expect((await standardIds()).sort()).toEqual([first!, second!, direct[0]!].sort());
    // The snapshot stays 0.15; effective confidence uses the live score (0.9 × 0.8).
    const promoted = (await call(`${a.url}/v1/facts/${first}`)).body;
    expect(promoted).toMatchObject({ quarantine_status: 'promoted', source_trust: 0.15, effective_confidence: 0.72, garden_id: null });

    // A second decision on the same fact is refused.
    const again = await call(`${a.url}/v1/federation/quarantine/promote`, { key: KEY_A, body: { fact_ids: [first] } });
    expect(again.body.results[0].error).toMatchObject({ status: 409, detail: 'fact_not_quarantine_pending' });
  }, 90_000);
});
