import { describe, expect, it } from 'vitest';
import { toWireRecord } from '../../../src/main/node/facts/record.js';
import { encodeWireRecord } from '../../../src/main/node/facts/recordJson.js';
import type { FactRow } from '../../../src/main/node/facts/repo.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { encodeJson } from '../../../src/main/node/json/pyjson.js';
import { makeTestNode } from '../../helpers/inject.js';
import { servablePage, signedPage } from '../../../src/main/node/federation/serve.js';

const base: FactRow = {
  seq: 1, id: '01a209dc-34c0-7aa8-bfa9-31fa65697eb9', cid: `sha256:${'ab'.repeat(32)}`, entity: 'stigmem://a.example/e/1', relation: 'memory:role',
  value_type: 'string', value_v: 'v', interpret_as: 'content', source: 'stigmem://a.example/agent/a', timestamp: '2026-11-23T10:00:00.000000+00:00',
  hlc: '1763900000000.001', confidence: 0.9, scope: 'public', valid_until: null, valid_until_ms: null, garden_id: null, received_from: null,
  origin_node_id: null, origin_allowed_scopes: null, attested_key_id: null, attested: null, written_by: null, derived_from: '[]', warnings: '[]',
  source_trust: null, quarantine_garden_id: null, quarantine_reason: null, quarantine_status: null, is_retracted: 0, is_contradicted: 0,
};

const variants: Partial<FactRow>[] = [
  {},
  { value_type: 'number', value_v: '42.0', confidence: 1 },
  { value_type: 'number', value_v: '-1.5e-7' },
  { value_type: 'boolean', value_v: 'true', attested: 1 },
  { value_type: 'null', value_v: '', attested: 0 },
  { value_type: 'text', value_v: 'line\n"quoted" \\ tab\t \u0001 é 😀 \u2028', entity: 'stigmem://a.example/ü/"x"' },
  { value_type: 'ref', value_v: 'stigmem://b.example/e/2', interpret_as: 'instruction' },
  { valid_until: '2027-01-01T00:00:00Z', valid_until_ms: 1798761600000, garden_id: 'g-1', received_from: 'stigmem:node:x', origin_node_id: 'stigmem:node:x' },
  { origin_allowed_scopes: '["company","public"]', attested_key_id: 'k1', warnings: '["relation is not namespaced"]' },
  { source_trust: 0.255, quarantine_garden_id: 'qg', quarantine_reason: 'auto-quarantine: source_trust below threshold (t=0.26)', quarantine_status: 'pending' },
  { quarantine_status: 'rejected', is_retracted: 1, is_contradicted: 1 },
  { derived_from: '[{"fact_id":"x","weight":0.5},{"cid":"sha256:00"}]', confidence: 0 },
];

describe('served record JSON', () => {
  it('is byte-identical to the generic encoder for every value type, null, escape and override', () => {
    for (const v of variants) {
      const row = { ...base, ...v };
      for (const o of [{}, { contradicted: false }, { effectiveConfidence: 0.45, attestationChain: ['sig-a', 'sig-b'] }]) {
        const rec = toWireRecord(row, o);
        expect(encodeWireRecord(rec)).toBe(encodeJson(rec));
      }
    }
  });

  it('makes signed pages byte-identical to encoding the page object', async () => {
    const node = await makeTestNode();
    try {
      for (let i = 0; i < 3; i++) {
        const r = await node.req('POST', '/v1/facts', { entity: `stigmem://a.example/e/${i}`, relation: 'memory:role', value: { type: 'number', v: i + 0.5 }, source: 'stigmem://a.example/agent/a', scope: 'public' });
        expect(r.status).toBe(201);
      }
      const page = servablePage(node.deps.db, ['public'], null, 2);
      const { body } = signedPage(node.deps, page.rows, null, page.hasMore);
      // The generic path: the whole stored row, made a wire record and encoded by the generic encoder.
      const full = page.rows.map((r) => node.deps.db.get<FactRow>(sql`SELECT f.*, 0 AS is_retracted, 0 AS is_contradicted FROM facts f WHERE f.id = ${r.id}`)!);
      const expected = encodeJson({ facts: full.map((r) => toWireRecord(r, { contradicted: false })), cursor: page.rows[1]!.hlc, has_more: true });
      expect(body.toString('utf8')).toBe(expected);
      expect(signedPage(node.deps, [], 'c', false).body.toString('utf8')).toBe('{"facts":[],"cursor":"c","has_more":false}');
    } finally {
      await node.close();
    }
  });
});
