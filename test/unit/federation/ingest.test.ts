// Page ingest: the set lookups and skipped checks of the batch path give exactly what fact-by-fact ingest gave.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { referenceFact } from '../../helpers/fakePeer.js';
import { insertPeer, peerById } from '../../../src/main/node/federation/peers/repo.js';
import { ingestFacts } from '../../../src/main/node/federation/ingest.js';
import { peerSender } from '../../../src/main/node/federation/sender.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { seenSource } from '../../../src/main/node/trust/store.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const SRC = 'stigmem://org-p.example/agent/a';
let n = 0;
const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const f = (entity: string, v: string, over: { confidence?: number; id?: string } = {}) =>
  referenceFact({ id: over.id ?? id(), entity: `stigmem://org-p.example/${entity}`, source: SRC, hlc: `${Date.now() - 1000 + n}.0`, v, confidence: over.confidence });

async function nodeWithPeer(env: Record<string, string> = { STIGMEM_TRUST_MODE: 'off' }): Promise<TestNode> {
  const t = await makeTestNode({ STIGMEM_FEDERATION_ENABLED: 'true', ...env });
  insertPeer(t.deps.db, { id: 'p1', nodeId: 'stigmem:node:p', nodeUrl: 'http://127.0.0.1:9', entityUri: 'stigmem://org-p.example', trustedPublicKey: 'k', status: 'active', registration: 'pinned', allowedScopes: ['public'], declaration: null, createdAt: 't', establishedAt: 't', error: null });
  return t;
}
const ingest = (t: TestNode, facts: unknown[]) => t.deps.db.transaction(() => ingestFacts(t.deps, peerSender(t.deps, peerById(t.deps.db, 'p1')!), facts));
const conflicts = (t: TestNode) => t.deps.db.all<{ fact_a: string; fact_b: string; status: string; winning_fact_id: string | null }>(sql`SELECT fact_a, fact_b, status, winning_fact_id FROM conflicts ORDER BY seq`);

describe('page ingest', () => {
  it('records a contradiction with a fact stored by an earlier page, and between two facts of one page', async () => {
    node = await nodeWithPeer();
    const a = f('e/1', 'a');
    expect(ingest(node, [a, f('e/2', 'x')]).accepted).toBe(2);
    const b = f('e/1', 'b');
    const c = f('e/3', 'c');
    const d = f('e/3', 'd');
    expect(ingest(node, [b, c, d]).accepted).toBe(3);
    expect(conflicts(node)).toEqual([
      { fact_a: b['id'], fact_b: a['id'], status: 'unresolved', winning_fact_id: null },
      { fact_a: d['id'], fact_b: c['id'], status: 'unresolved', winning_fact_id: null },
    ]);
  });

  it('settles a conflict when a later fact of the same page retracts one side', async () => {
    node = await nodeWithPeer();
    const a = f('e/9', 'a');
    const b = f('e/9', 'b');
    const r = f('e/9', 'a', { confidence: 0 });
    expect(ingest(node, [a, b, r]).accepted).toBe(3);
    expect(conflicts(node)).toEqual([{ fact_a: b['id'], fact_b: a['id'], status: 'resolved', winning_fact_id: b['id'] }]);
  });

  it('counts repeats inside a page and across pages as duplicates, and refuses an id reused for other content', async () => {
    node = await nodeWithPeer();
    const a = f('e/1', 'a');
    const sameFactOtherId = { ...a, id: id() };
    const withoutCid: Record<string, unknown> = { ...a, id: id() };
    delete withoutCid['cid'];
    const r1 = ingest(node, [a, a, sameFactOtherId]);
    expect([r1.accepted, r1.duplicates, r1.rejected.length]).toEqual([1, 2, 0]);
    const r2 = ingest(node, [withoutCid, { ...f('e/1', 'changed'), id: a['id'] }]);
    expect([r2.accepted, r2.duplicates]).toEqual([0, 1]);
    expect(r2.rejected).toEqual([{ fact_id: a['id'], reason: 'id_conflict' }]);
    expect(node.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM facts WHERE received_from IS NOT NULL`)!.n).toBe(1);
  });

  it('notes each source once per page with the number of facts it sent', async () => {
    node = await nodeWithPeer({});
    ingest(node, [f('e/1', 'a'), f('e/2', 'b'), f('e/3', 'c')]);
    ingest(node, [f('e/4', 'd')]);
    expect(seenSource(node.deps.db, SRC)?.facts_seen).toBe(4);
  });

  it('moves the node clock past every received HLC and records it once per page', async () => {
    node = await nodeWithPeer();
    const ahead = `${Date.now() + 5_000}.7`;
    ingest(node, [{ ...f('e/1', 'a'), hlc: ahead }]);
    const meta = node.deps.db.get<{ value: string }>(sql`SELECT value FROM node_meta WHERE key = 'hlc_last'`)!.value;
    expect(meta > `${Date.now() + 4_000}`).toBe(true);
    const stored = node.deps.db.get<{ hlc: string }>(sql`SELECT hlc FROM facts WHERE received_from IS NOT NULL`)!.hlc;
    expect(stored).toBe(meta);
  });

  it('recognises stored facts whose fields hold NUL, quotes and astral characters', async () => {
    node = await nodeWithPeer();
    const odd = [f('e/\u0000nul', 'a'), f('e/"quoted"\\', 'b'), f('e/😀é', 'c')];
    expect(ingest(node, odd).accepted).toBe(3);
    const again = ingest(node, odd.map((x) => ({ ...x })));
    expect([again.accepted, again.duplicates, again.rejected.length]).toEqual([0, 3, 0]);
    const contradicting = ingest(node, [f('e/\u0000nul', 'z')]);
    expect(contradicting.accepted).toBe(1);
    expect(conflicts(node)).toHaveLength(1);
  });
});
