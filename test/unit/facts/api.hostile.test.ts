import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../../helpers/inject.js';
import { ALICE, count, fact, makeTestNode, type TestNode } from './helpers.js';

let node: TestNode;
beforeAll(async () => {
  node = await makeTestNode();
});
afterAll(async () => {
  await node.close();
});

/** Raw bytes to the node, bypassing the helper's JSON encoding. */
async function rawPost(url: string, payload: string | Buffer, contentType = 'application/json') {
  const res = await node.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': contentType } });
  return { status: res.statusCode, body: res.body === '' ? undefined : (JSON.parse(res.body) as { detail?: unknown; code?: string }) };
}

function expectClientError(r: { status: number; body?: { detail?: unknown } }, label: string): void {
  expect(r.status, label).toBeGreaterThanOrEqual(400);
  expect(r.status, label).toBeLessThan(500);
  expect(r.body?.detail, label).toBeDefined();
}

const wrongTypes: [string, Record<string, unknown>][] = [
  ['entity number', fact({ entity: 1 })],
  ['entity empty', fact({ entity: '' })],
  ['entity object', fact({ entity: { uri: ALICE } })],
  ['relation null', fact({ relation: null })],
  ['relation missing', fact({ relation: undefined })],
  ['source array', fact({ source: ['x'] })],
  ['value string', fact({ value: 'engineer' })],
  ['value array', fact({ value: [] })],
  ['value null', fact({ value: null })],
  ['value without type', fact({ value: { v: 'x' } })],
  ['value type number', fact({ value: { type: 7, v: 'x' } })],
  ['value unknown field', fact({ value: { type: 'string', v: 'x', extra: 1 } })],
  ['interpret_as bogus', fact({ value: { type: 'string', v: 'x', interpret_as: 'code' } })],
  ['v object for string', fact({ value: { type: 'string', v: { a: 1 } } })],
  ['v nested array for number', fact({ value: { type: 'number', v: [1] } })],
  ['confidence string', fact({ confidence: '1' })],
  ['confidence bool', fact({ confidence: true })],
  ['confidence too high', fact({ confidence: 1.5 })],
  ['confidence negative', fact({ confidence: -0.1 })],
  ['scope number', fact({ scope: 5 })],
  ['scope unknown', fact({ scope: 'universe' })],
  ['valid_until number', fact({ valid_until: 1234 })],
  ['valid_until garbage', fact({ valid_until: '31/12/2030' })],
  ['garden_id number', fact({ garden_id: 5 })],
  ['garden_id bad escape', fact({ garden_id: 'stigmem://testnode/garden/%zz' })],
  ['derived_from object', fact({ derived_from: { a: 1 } })],
  ['derived_from scalars', fact({ derived_from: [1, 2] })],
  ['write_mode bogus', fact({ write_mode: 'overwrite' })],
  ['attestation string', fact({ attestation: 'sig' })],
  ['unknown top-level field', fact({ colour: 'blue' })],
  ['proto key', JSON.parse('{"__proto__":{"x":1},"entity":"a","relation":"b:c","value":{"type":"null"},"source":"s"}') as Record<string, unknown>],
];

describe('POST /v1/facts with hostile bodies answers 4xx with a detail, never 500', () => {
  it.each(wrongTypes)('%s', async (label, body) => {
    const r = await node.req('POST', '/v1/facts', body);
    expectClientError(r, label);
  });

  it.each([
    ['array body', '[]'],
    ['string body', '"fact"'],
    ['null body', 'null'],
    ['number body', '42'],
    ['NaN literal', `{"entity":"${ALICE}","relation":"m:r","value":{"type":"number","v":NaN},"source":"s"}`],
    ['Infinity literal', `{"entity":"${ALICE}","relation":"m:r","value":{"type":"number","v":Infinity},"source":"s"}`],
    ['huge number', `{"entity":"${ALICE}","relation":"m:r","value":{"type":"number","v":1e999},"source":"s"}`],
    ['huge integer', `{"entity":"${ALICE}","relation":"m:r","value":{"type":"number","v":${'9'.repeat(5000)}},"source":"s"}`],
    ['lone surrogate escape', `{"entity":"\\ud800","relation":"m:r","value":{"type":"null"},"source":"s"}`],
    ['lone low surrogate', `{"entity":"a","relation":"m:r","value":{"type":"string","v":"\\udc00x"},"source":"s"}`],
    ['deep nesting', `{"entity":"a","relation":"m:r","value":{"type":"null"},"source":"s","derived_from":[${'['.repeat(200)}${']'.repeat(200)}]}`],
    ['trailing garbage', `{"entity":"a","relation":"m:r","value":{"type":"null"},"source":"s"} x`],
    ['truncated', `{"entity":"a","relation":`],
    ['single quotes', `{'entity':'a'}`],
    ['duplicate keys with bad type last', `{"entity":"a","entity":5,"relation":"m:r","value":{"type":"null"},"source":"s"}`],
  ])('%s', async (label, payload) => {
    const r = await rawPost('/v1/facts', payload);
    expectClientError(r, label);
  });

  it('invalid UTF-8 bytes → 400 invalid_json', async () => {
    const payload = Buffer.concat([Buffer.from('{"entity":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('","relation":"m:r","value":{"type":"null"},"source":"s"}')]);
    const r = await rawPost('/v1/facts', payload);
    expect(r.status).toBe(400);
    expect(r.body?.code).toBe('invalid_json');
  });

  it('a 2 MB body → 413 body_too_large from the server', async () => {
    const r = await rawPost('/v1/facts', JSON.stringify(fact({ value: { type: 'text', v: 'x'.repeat(2 * 1024 * 1024) } })));
    expect(r.status).toBe(413);
    expect(r.body?.code).toBe('body_too_large');
  });

  it('a non-JSON content type → 415; an empty body → 4xx', async () => {
    expectClientError(await rawPost('/v1/facts', 'entity=a', 'application/x-www-form-urlencoded'), 'form');
    expectClientError(await rawPost('/v1/facts', ''), 'empty');
  });

  it('stored nothing from any of it', () => {
    expect(count(node, 'facts')).toBe(0);
  });
});

describe('hostile query strings, paths and resolve bodies', () => {
  it.each([
    '/v1/facts?limit=abc', '/v1/facts?limit=-1', '/v1/facts?limit=1e3', '/v1/facts?min_confidence=2', '/v1/facts?min_confidence=NaN',
    '/v1/facts?include_contradicted=maybe', '/v1/facts?include_expired=2', '/v1/facts?scope=%00', '/v1/facts?cursor=' + 'A'.repeat(5000),
    '/v1/facts?after=%F0%9F%92%A9', '/v1/facts?garden_id=' + encodeURIComponent('stigmem://x/garden/%zz'), '/v1/facts?limit=1&limit=2',
    '/v1/facts?garden_id=nope',
    '/v1/facts/sha256:' + 'g'.repeat(64), '/v1/facts/' + 'x'.repeat(2000), '/v1/conflicts?limit=9999',
  ])('GET %s', async (url) => {
    const r = await node.req('GET', url);
    expectClientError(r, url);
  });

  it('harmless oddities are ordinary misses, not errors', async () => {
    expect((await node.req('GET', '/v1/facts?entity=%E2%80%8B')).status).toBe(200);
    expect((await node.req('GET', '/v1/facts/%F0%9F%92%A9')).status).toBe(404);
    expect((await node.req('GET', '/v1/facts?unknown_param=1')).status).toBe(200);
  });

  it.each([
    ['winner number', { winning_fact_id: 5 }],
    ['note object', { resolution_note: {} }],
    ['new_value string', { new_value: 'x' }],
    ['new_value bad type', { new_value: { type: 'blob', v: 'x' } }],
    ['unknown field', { winner: 'a' }],
    ['array', []],
  ])('resolve with %s', async (label, body) => {
    expectClientError(await node.req('POST', '/v1/conflicts/stigmem%3Aconflict%3Ax/resolve', body), label);
  });

  it('verify-cid with a wrong body type', async () => {
    const posted = await node.req('POST', '/v1/facts', fact());
    expectClientError(await node.req('POST', `/v1/facts/${posted.body.id}/verify-cid`, { cid: 5 }), 'cid number');
    expectClientError(await node.req('POST', `/v1/facts/${posted.body.id}/verify-cid`, '[1]'), 'array');
  });
});
