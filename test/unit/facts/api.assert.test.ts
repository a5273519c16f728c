import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../../src/main/node/db/sql.js';
import { ALICE, TEST_SOURCE, addGarden, addKey, count, fact, makeTestNode, type TestNode } from './helpers.js';

const REFERENCE_FIELDS = [
  'id', 'entity', 'relation', 'value', 'source', 'timestamp', 'hlc', 'received_from', 'valid_until', 'confidence', 'scope',
  'attested_key_id', 'origin_node_id', 'origin_allowed_scopes', 'garden_id', 'attested', 'contradicted', 'warnings', 'source_trust',
  'quarantine_status', 'quarantine_garden_id', 'effective_confidence', 'sanitizer_warnings', 'sanitizer_redacted', 'cid', 'derived_from',
];

let node: TestNode;
beforeEach(async () => {
  node = await makeTestNode();
});
afterEach(async () => {
  await node.close();
});

describe('POST /v1/facts', () => {
  it('answers 201 with the reference FactRecord in field order, plus fact_id, quarantine_reason, attestation_chain', async () => {
    const r = await node.req('POST', '/v1/facts', fact());
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).slice(0, REFERENCE_FIELDS.length)).toEqual(REFERENCE_FIELDS);
    expect(r.body).toMatchObject({ fact_id: r.body.id, quarantine_reason: null, retracted: false, contradicted: false });
    // The chain holds this node's receipt signature (no writer attestation was sent).
    expect(r.body.attestation_chain).toHaveLength(1);
    expect(r.body.attestation_chain[0]).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(r.body.cid).toBe('sha256:7f142e3a82d8ed778c41988049abe6b73a66cea69109a790dc2935392f0a42a7');
    expect(r.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.body.hlc).toMatch(/^\d{13}\.\d{3}$/);
    expect(r.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    expect(r.text).toContain('"confidence":1.0,');
    expect(r.body.value).toEqual({ type: 'string', v: 'engineer', interpret_as: 'content' });
  });

  it('defaults scope to local and confidence to 1.0', async () => {
    const r = await node.req('POST', '/v1/facts', { entity: ALICE, relation: 'memory:x', value: { type: 'text', v: 't' }, source: TEST_SOURCE });
    expect(r.status).toBe(201);
    expect(r.body.scope).toBe('local');
    expect(r.text).toContain('"confidence":1.0');
  });

  it('keeps integer and float number literals apart and serves them back verbatim', async () => {
    const asInt = await node.req('POST', '/v1/facts', `{"entity":"${ALICE}","relation":"memory:n","value":{"type":"number","v":42},"source":"${TEST_SOURCE}"}`);
    const asFloat = await node.req('POST', '/v1/facts', `{"entity":"${ALICE}","relation":"memory:n","value":{"type":"number","v":42.0},"source":"${TEST_SOURCE}"}`);
    const big = await node.req('POST', '/v1/facts', `{"entity":"${ALICE}","relation":"memory:big","value":{"type":"number","v":123456789012345678901234567890},"source":"${TEST_SOURCE}"}`);
    expect([asInt.status, asFloat.status, big.status]).toEqual([201, 201, 201]);
    expect(asInt.text).toContain('"v":42,');
    expect(asFloat.text).toContain('"v":42.0,');
    expect(big.text).toContain('"v":123456789012345678901234567890,');
    expect(asInt.body.cid).not.toBe(asFloat.body.cid);
    const stored = node.deps.db.all<{ value_v: string }>(sql`SELECT value_v FROM facts WHERE relation IN ('memory:n', 'memory:big') ORDER BY seq`);
    expect(stored.map((s) => s.value_v)).toEqual(['42', '42.0', '123456789012345678901234567890']);
  });

  it('serves booleans as booleans and null as null', async () => {
    const f = await node.req('POST', '/v1/facts', fact({ relation: 'memory:active', value: { type: 'boolean', v: false } }));
    const n = await node.req('POST', '/v1/facts', fact({ relation: 'memory:alias', value: { type: 'null' } }));
    expect(f.text).toContain('"v":false');
    expect(n.body.value).toEqual({ type: 'null', v: null, interpret_as: 'content' });
  });

  it('is idempotent by CID: the same assertion returns the existing record and writes nothing', async () => {
    const first = await node.req('POST', '/v1/facts', fact());
    const before = count(node, 'facts');
    const again = await node.req('POST', '/v1/facts', fact({ entity: '  stigmem://TestNode/User/ALICE ' }));
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.hlc).toBe(first.body.hlc);
    expect(count(node, 'facts')).toBe(before);
  });

  it('normalises entity and source (formal and informal forms)', async () => {
    const r = await node.req('POST', '/v1/facts', fact({ entity: ' stigmem://TestNode/Person/Ada  Lovelace ', source: ' Agent  Smith ' }));
    expect(r.body.entity).toBe('stigmem://testnode/person/ada-lovelace');
    expect(r.body.source).toBe('agent-smith');
  });

  it('refuses a whitespace-only entity with 400 invalid_entity_uri', async () => {
    const r = await node.req('POST', '/v1/facts', fact({ entity: '   ' }));
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('invalid_entity_uri: entity URI must not be empty');
    const s = await node.req('POST', '/v1/facts', fact({ source: '\t' }));
    expect(s.status).toBe(400);
  });

  it('echoes valid_until as sent and refuses one that is not ISO 8601', async () => {
    const ok = await node.req('POST', '/v1/facts', fact({ valid_until: '2030-01-01T00:00:00Z' }));
    expect(ok.body.valid_until).toBe('2030-01-01T00:00:00Z');
    const bad = await node.req('POST', '/v1/facts', fact({ valid_until: 'next tuesday' }));
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['body', 'valid_until']);
  });

  it('checks v against the value type (422) and refuses text over 64 KB (413)', async () => {
    for (const value of [{ type: 'string', v: 5 }, { type: 'number', v: '5' }, { type: 'boolean', v: 'true' }, { type: 'datetime', v: 'soon' }, { type: 'null', v: 0 }]) {
      const r = await node.req('POST', '/v1/facts', fact({ value }));
      expect(r.status, JSON.stringify(value)).toBe(422);
      expect(r.body.detail[0].loc).toEqual(['body', 'value', 'v']);
    }
    const big = await node.req('POST', '/v1/facts', fact({ value: { type: 'text', v: 'x'.repeat(64 * 1024 + 1) } }));
    expect(big.status).toBe(413);
    expect(big.body.detail.code).toBe('value_too_large');
    expect(count(node, 'facts')).toBe(0);
  });

  it('warns about bare and reserved relations', async () => {
    const r = await node.req('POST', '/v1/facts', fact({ relation: 'role' }));
    expect(r.body.warnings[0]).toContain('no namespace prefix');
  });

  it('hands out strictly increasing HLCs', async () => {
    const hlcs: string[] = [];
    for (let i = 0; i < 20; i++) hlcs.push((await node.req('POST', '/v1/facts', fact({ relation: `memory:r${i}` }))).body.hlc);
    expect([...hlcs].sort()).toEqual(hlcs);
    expect(new Set(hlcs).size).toBe(hlcs.length);
  });

  it('refuses a Stigmem-Session header over 128 characters', async () => {
    const r = await node.req('POST', '/v1/facts', fact(), undefined, { 'stigmem-session': 's'.repeat(129) });
    expect(r.status).toBe(400);
    expect(r.body.detail.code).toBe('session_id_too_long');
  });
});

describe('POST /v1/facts permissions', () => {
  it('needs write', async () => {
    const reader = addKey(node, 'stigmem://testnode/user/reader', ['read']);
    const r = await node.req('POST', '/v1/facts', fact(), reader);
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('write permission required');
  });

  it('needs instruction:write for instruction-typed values', async () => {
    const writer = addKey(node, 'stigmem://testnode/user/w', ['read', 'write']);
    const instructor = addKey(node, 'stigmem://testnode/user/i', ['read', 'write', 'instruction:write']);
    const body = fact({ value: { type: 'text', v: 'do this', interpret_as: 'instruction' } });
    const refused = await node.req('POST', '/v1/facts', body, writer);
    expect(refused.status).toBe(403);
    expect(refused.body.detail.code).toBe('instruction_write_required');
    expect(typeof refused.body.detail.message).toBe('string');
    const ok = await node.req('POST', '/v1/facts', body, instructor);
    expect(ok.status).toBe(201);
    expect(ok.body.value.interpret_as).toBe('instruction');
  });
});

describe('POST /v1/facts into a garden', () => {
  const writerEntity = 'stigmem://testnode/user/writer';
  const readerEntity = 'stigmem://testnode/user/reader';
  let gardenId = '';
  let writer = '';
  let reader = '';
  let outsider = '';
  beforeEach(() => {
    gardenId = addGarden(node, 'atlas', 'company', [[writerEntity, 'writer'], [readerEntity, 'reader']]);
    writer = addKey(node, writerEntity, ['read', 'write']);
    reader = addKey(node, readerEntity, ['read', 'write']);
    outsider = addKey(node, 'stigmem://testnode/user/outsider', ['read', 'write']);
  });

  it('accepts a member writer by garden URI and reports the garden id', async () => {
    const r = await node.req('POST', '/v1/facts', fact({ garden_id: 'stigmem://testnode/garden/atlas' }), writer);
    expect(r.status).toBe(201);
    expect(r.body.garden_id).toBe(gardenId);
  });

  it('refuses readers, outsiders, unknown gardens and scope mismatches with the reference details', async () => {
    const asReader = await node.req('POST', '/v1/facts', fact({ garden_id: 'atlas' }), reader);
    expect([asReader.status, asReader.body.detail]).toEqual([403, 'write permission required — you are a reader in this garden']);
    const asOutsider = await node.req('POST', '/v1/facts', fact({ garden_id: 'atlas' }), outsider);
    expect([asOutsider.status, asOutsider.body.detail]).toEqual([403, 'not a member of this garden']);
    const unknown = await node.req('POST', '/v1/facts', fact({ garden_id: 'stigmem://testnode/garden/nope' }), writer);
    expect([unknown.status, unknown.body.detail]).toEqual([404, 'garden not found']);
    const mismatch = await node.req('POST', '/v1/facts', fact({ garden_id: 'atlas', scope: 'team' }), writer);
    expect([mismatch.status, mismatch.body.detail]).toEqual([422, "scope mismatch: garden scope is 'company' but fact scope is 'team'"]);
    expect(count(node, 'facts')).toBe(0);
  });
});

describe('GET /v1/facts/{id} and verify-cid', () => {
  it('finds a fact by id and by CID; 404 for unknown; 400 cid_malformed for a bad CID', async () => {
    const posted = await node.req('POST', '/v1/facts', fact());
    const byId = await node.req('GET', `/v1/facts/${posted.body.id}`);
    const byCid = await node.req('GET', `/v1/facts/${posted.body.cid}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(posted.body);
    expect(byCid.body.id).toBe(posted.body.id);
    expect((await node.req('GET', '/v1/facts/00000000-0000-4000-8000-000000000000')).body.detail).toBe('fact not found');
    expect((await node.req('GET', `/v1/facts/sha256:${'0'.repeat(64)}`)).status).toBe(404);
    const malformed = await node.req('GET', '/v1/facts/sha256:xyz');
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail.code).toBe('cid_malformed');
  });

  it('recomputes the CID on read: a tampered row answers 409 cid_mismatch', async () => {
    const posted = await node.req('POST', '/v1/facts', fact());
    const verified = await node.req('POST', `/v1/facts/${posted.body.id}/verify-cid`, { cid: posted.body.cid });
    expect(verified.body).toEqual({ cid_valid: true, computed_cid: posted.body.cid, stored_cid: posted.body.cid, mismatch_reason: null });
    const wrongClaim = await node.req('POST', `/v1/facts/${posted.body.id}/verify-cid`, { cid: `sha256:${'1'.repeat(64)}` });
    expect(wrongClaim.body.cid_valid).toBe(false);
    expect(wrongClaim.body.mismatch_reason).toBe('supplied cid does not match computed_cid');
    // Simulates on-disk corruption; the node itself never rewrites a stored fact.
    node.deps.db.run(sql`UPDATE facts SET value_v = 'manager' WHERE id = ${posted.body.id}`);
    const read = await node.req('GET', `/v1/facts/${posted.body.id}`);
    expect(read.status).toBe(409);
    expect(read.body.detail.code).toBe('cid_mismatch');
    const check = await node.req('POST', `/v1/facts/${posted.body.id}/verify-cid`);
    expect(check.status).toBe(200);
    expect(check.body.cid_valid).toBe(false);
    expect(check.body.stored_cid).toBe(posted.body.cid);
    expect(check.body.mismatch_reason).toBe('stored_cid does not match computed_cid');
  });

  it('an identical assertion never returns a record from a garden the caller cannot read', async () => {
    const member = 'stigmem://testnode/user/member';
    addGarden(node, 'secret', 'company', [[member, 'writer']]);
    const memberKey = addKey(node, member, ['read', 'write']);
    const outsider = addKey(node, 'stigmem://testnode/user/outsider', ['read', 'write']);
    const posted = await node.req('POST', '/v1/facts', fact({ garden_id: 'secret' }), memberKey);
    const again = await node.req('POST', '/v1/facts', fact(), outsider);
    expect(again.status).toBe(409);
    expect(again.body.detail.code).toBe('fact_exists');
    expect(again.text).not.toContain(posted.body.id);
    expect((await node.req('POST', '/v1/facts', fact(), memberKey)).body.id).toBe(posted.body.id);
  });

  it('applies the garden ACL to reads by id', async () => {
    const member = 'stigmem://testnode/user/member';
    addGarden(node, 'secret', 'company', [[member, 'writer']]);
    const memberKey = addKey(node, member, ['read', 'write']);
    const outsider = addKey(node, 'stigmem://testnode/user/outsider', ['read']);
    const posted = await node.req('POST', '/v1/facts', fact({ garden_id: 'secret' }), memberKey);
    expect((await node.req('GET', `/v1/facts/${posted.body.id}`, undefined, memberKey)).status).toBe(200);
    const refused = await node.req('GET', `/v1/facts/${posted.body.id}`, undefined, outsider);
    expect([refused.status, refused.body.detail]).toEqual([403, 'not a member of this garden']);
    expect((await node.req('POST', `/v1/facts/${posted.body.id}/verify-cid`, {}, outsider)).status).toBe(403);
  });
});

describe('OpenAPI', () => {
  it('documents the facts and conflicts routes with their schemas', async () => {
    const r = await node.req('GET', '/docs/json', undefined, false);
    expect(r.status).toBe(200);
    const paths = r.body.paths as Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/v1/facts', '/v1/facts/{fact_id}', '/v1/facts/{fact_id}/verify-cid', '/v1/conflicts', '/v1/conflicts/{conflict_id}/resolve']));
    expect(JSON.stringify(paths['/v1/facts']!['post']!.requestBody)).toContain('interpret_as');
    expect(paths['/v1/facts']!['get']!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['entity', 'include_retracted', 'cursor', 'limit']));
  });
});
