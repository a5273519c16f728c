import { describe, expect, it } from 'vitest';
import {
  checkBody,
  checkErrorBody,
  checkStatus,
  containsSubset,
  deepEqual,
  dotted,
  findFactData,
} from '../../../src/main/node/conformance/match.js';

describe('deepEqual', () => {
  it('compares parsed JSON structurally, ignoring key order', () => {
    expect(deepEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(1, true)).toBe(false);
  });
});

describe('containsSubset (expected_body_contains)', () => {
  const body = { entity: 'e', value: { type: 'null', v: null }, facts: [{ id: 1, entity: 'a', value: { type: 'null', v: null } }], namespaces: ['rel:', 'garden:'] };

  it('matches dicts key by key, recursively, and ignores extra keys', () => {
    expect(containsSubset(body, { entity: 'e', value: { type: 'null' } }, 'body', 1)).toBeNull();
    expect(containsSubset(body, { value: { type: 'text' } }, 'body', 1)).toBe('body.value.type: got "null", expected "text"');
    expect(containsSubset(body, { missing: 1 }, 'body', 1)).toBe("body: missing key 'missing'");
    expect(containsSubset(body, { entity: { x: 1 } }, 'body', 1)).toMatch(/body\.entity: expected an object/);
  });

  it('needs every expected dict item to match some list element, recursively', () => {
    expect(containsSubset(body, { facts: [{ entity: 'a', value: { v: null } }] }, 'body', 1)).toBeNull();
    expect(containsSubset(body, { facts: [{ entity: 'b' }] }, 'body', 1)).toMatch(/body\.facts: no list item matches/);
    expect(containsSubset({ facts: 'no' }, { facts: [] }, 'body', 1)).toMatch(/expected a list/);
  });

  it('treats an empty expected list as matching any list', () => {
    expect(containsSubset({ facts: [{ id: 1 }] }, { facts: [] }, 'body', 1)).toBeNull();
  });

  it('v1: scalar list items must be members', () => {
    expect(containsSubset(body, { namespaces: ['garden:'] }, 'body', 1)).toBeNull();
    expect(containsSubset(body, { namespaces: ['intent:'] }, 'body', 1)).toBe('body.namespaces: list has no item "intent:"');
  });

  it('v2: scalar list items are ignored, dict items still checked', () => {
    expect(containsSubset(body, { namespaces: ['intent:'] }, 'body', 2)).toBeNull();
    expect(containsSubset(body, { facts: [{ entity: 'zzz' }] }, 'body', 2)).not.toBeNull();
  });

  it('compares scalars by value (1 == 1.0)', () => {
    expect(containsSubset({ total: 0 }, { total: 0.0 }, 'body', 1)).toBeNull();
    expect(containsSubset({ total: 1 }, { total: 0 }, 'body', 1)).toBe('body.total: got 1, expected 0');
  });
});

describe('dotted paths (expected_nested)', () => {
  it('walks objects and reports the first missing part', () => {
    expect(dotted({ value: { type: 'number', v: 42.5 } }, 'value.v')).toEqual({ found: true, value: 42.5 });
    expect(dotted({ value: { type: 'number' } }, 'value.v')).toEqual({ found: false, missing: 'v' });
    expect(dotted({ value: [1] }, 'value.0')).toEqual({ found: false, missing: '0' });
  });

  it('checkBody fails on a missing path or a different value; v2 error bodies skip missing paths', () => {
    const v = { expected_nested: { 'value.type': 'number', 'value.v': 42.5 } };
    expect(checkBody({ value: { type: 'number', v: 42.5 } }, v, 1)).toEqual([]);
    expect(checkBody({ value: { type: 'number', v: 42 } }, v, 1)).toEqual(['value.v = 42, expected 42.5']);
    expect(checkBody({ value: {} }, v, 1)).toEqual(["value.type: missing key 'type'", "value.v: missing key 'v'"]);
    expect(checkErrorBody({ detail: 'x' }, { expected_nested: { 'detail.code': 'E' } }, 2)).toEqual([]);
    expect(checkErrorBody({ detail: { code: 'F' } }, { expected_nested: { 'detail.code': 'E' } }, 2)).toEqual(['detail.code = "F", expected "E"']);
    expect(checkErrorBody({ detail: { code: 'F' } }, { expected_nested: { 'detail.code': 'E' } }, 1)).toEqual([]);
  });
});

describe('checkBody: the other expectations', () => {
  it('expected_body_has_keys', () => {
    expect(checkBody({ id: 1, timestamp: 't' }, { expected_body_has_keys: ['id', 'timestamp'] }, 1)).toEqual([]);
    expect(checkBody({ id: 1 }, { expected_body_has_keys: ['id', 'timestamp'] }, 1)).toEqual(["response missing key 'timestamp'"]);
    expect(checkBody([1], { expected_body_has_keys: ['id'] }, 1)).toEqual(["response missing key 'id'"]);
  });

  it('expected_body_list_contains: scalars are members, dicts match shallowly', () => {
    const b = { namespaces: ['garden:'], members: [{ role: 'admin', entity_uri: 'x' }] };
    expect(checkBody(b, { expected_body_list_contains: { namespaces: 'garden:' } }, 2)).toEqual([]);
    expect(checkBody(b, { expected_body_list_contains: { namespaces: 'rel:' } }, 2)).toHaveLength(1);
    expect(checkBody(b, { expected_body_list_contains: { members: { role: 'admin' } } }, 1)).toEqual([]);
    expect(checkBody(b, { expected_body_list_contains: { members: { role: 'reader' } } }, 1)).toHaveLength(1);
    expect(checkBody(b, { expected_body_list_contains: { nope: 'x' } }, 1)).toEqual(["missing list key 'nope'"]);
  });

  it('expected_body_value_in', () => {
    const v = { expected_body_value_in: { source_attestation: ['enforce', 'warn', 'off'] } };
    expect(checkBody({ source_attestation: 'off' }, v, 1)).toEqual([]);
    expect(checkBody({ source_attestation: 'maybe' }, v, 1)).toEqual(['source_attestation = "maybe", expected one of ["enforce","warn","off"]']);
    expect(checkBody({}, v, 1)).toEqual(["missing field 'source_attestation'"]);
  });

  it('expected_members_contain_role and expected_response_is_list', () => {
    expect(checkBody({ members: [{ role: 'admin' }] }, { expected_members_contain_role: 'admin' }, 1)).toEqual([]);
    expect(checkBody({ members: [{ role: 'writer' }] }, { expected_members_contain_role: 'admin' }, 1)).toHaveLength(1);
    expect(checkBody({}, { expected_members_contain_role: 'admin' }, 1)).toHaveLength(1);
    expect(checkBody([], { expected_response_is_list: true }, 1)).toEqual([]);
    expect(checkBody({ items: [] }, { expected_response_is_list: true }, 1)).toHaveLength(1);
  });

  it("v2's starts-with, length and first-fact checks", () => {
    const v = {
      expected_field_starts_with: { cid: 'sha256:' },
      expected_field_length: { recall_id: 36 },
      expected_first_fact_has_keys: ['id', 'score'],
      expected_first_fact_score_breakdown_keys: ['recency'],
    };
    const good = { cid: 'sha256:ab', recall_id: 'x'.repeat(36), facts: [{ id: 1, score: 2, score_breakdown: { recency: 1 } }] };
    expect(checkBody(good, v, 2)).toEqual([]);
    const bad = { cid: 'md5:ab', recall_id: 'short', facts: [{ id: 1, score_breakdown: {} }] };
    expect(checkBody(bad, v, 2)).toEqual([
      'cid = "md5:ab", expected to start with "sha256:"',
      'length of recall_id = 5, expected 36',
      "facts[0] missing key 'score'",
      "facts[0].score_breakdown missing key 'recency'",
    ]);
    // With no facts the first-fact checks have nothing to look at, as in the reference runner.
    expect(checkBody({ cid: 'sha256:', recall_id: 'x'.repeat(36), facts: [] }, v, 2)).toEqual([]);
  });
});

describe('checkStatus', () => {
  it('uses expected_status, else expected_status_in, else accepts any status', () => {
    expect(checkStatus(201, { expected_status: 201 })).toBeNull();
    expect(checkStatus(200, { expected_status: 201 })).toBe('expected HTTP 201');
    expect(checkStatus(403, { expected_status_in: [403, 422] })).toBeNull();
    expect(checkStatus(404, { expected_status_in: [403, 422] })).toBe('expected HTTP in [403,422]');
    expect(checkStatus(500, {})).toBeNull();
  });
});

describe('findFactData', () => {
  it('finds a non-empty facts list or an id+entity record at any depth', () => {
    expect(findFactData({ facts: [], total: 0 })).toBeNull();
    expect(findFactData({ detail: 'Invalid or expired API key' })).toBeNull();
    expect(findFactData({ detail: [{ loc: ['body', 'entity'], input: { entity: 'x' } }] })).toBeNull();
    expect(findFactData({ facts: [{}] })).toMatch(/'facts' list with 1 item/);
    expect(findFactData({ id: 'f1', entity: 'stigmem://x/user/a', relation: 'r' })).toMatch(/record with id "f1"/);
    expect(findFactData({ result: { items: [{ id: 1, entity: 'e' }] } })).not.toBeNull();
    expect(findFactData(undefined)).toBeNull();
  });
});
