// GET /v1/facts/{cid} finds a fact in any insertion window of facts_cid_window, and only the fact with that exact CID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { computeCid } from '../../../src/main/node/facts/cid.js';

let node: TestNode;
const cids: string[] = [];
const WINDOW = 8192;

beforeAll(async () => {
  node = await makeTestNode();
  const insert = node.deps.db.raw.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
    VALUES (?, ?, ?, 'memory:role', 'string', ?, 's', '2026-11-23T00:00:00+00:00', ?, 1.0, 'public')`);
  node.deps.db.raw.transaction(() => {
    for (let i = 0; i < 2 * WINDOW + 10; i++) {
      const entity = `stigmem://t.example/e/${i}`;
      const cid = computeCid({ entity, relation: 'memory:role', valueType: 'string', valueV: `v${i}`, source: 's', scope: 'public', confidence: 1 });
      cids.push(cid);
      insert.run(`00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, cid, entity, `v${i}`, `1763900000000.${String(i).padStart(5, '0')}`);
    }
  })();
});
afterAll(async () => node.close());

describe('lookups by CID', () => {
  it('find facts in the first, middle and newest windows', async () => {
    for (const i of [0, WINDOW - 1, WINDOW, WINDOW + 77, 2 * WINDOW + 9]) {
      const r = await node.req('GET', `/v1/facts/${cids[i]}`);
      expect(r.status).toBe(200);
      expect(r.body.entity).toBe(`stigmem://t.example/e/${i}`);
      expect(r.body.cid).toBe(cids[i]);
    }
  });

  it('never answer with a fact that only shares the prefix, and 404 an unknown CID', async () => {
    const twin = cids[5]!.slice(0, 15) + (cids[5]!.slice(15, 16) === '0' ? '1' : '0') + cids[5]!.slice(16);
    expect((await node.req('GET', `/v1/facts/${twin}`)).status).toBe(404);
    expect((await node.req('GET', `/v1/facts/sha256:${'e'.repeat(64)}`)).status).toBe(404);
    expect((await node.req('GET', '/v1/facts/sha256:xyz')).status).toBe(400);
  });
});
