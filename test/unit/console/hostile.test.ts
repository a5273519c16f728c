// Every admin operation, over the console's HTTP API and as IPC calls it directly, under hostile arguments: each
// answer is an envelope (a refusal with validation_failed, or a result), never an internal error, and no row changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminOperation } from '../../../src/main/node/console/handlers.js';
import { raw, sql } from '../../../src/main/node/db/sql.js';
import { OPERATION_NAMES } from '../../../src/shared/contract.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
const HOSTILE: [string, unknown][] = [
  ['number', 42], ['string', 'DROP TABLE facts'], ['array', [1, 2]], ['true', true], ['nested', { a: { b: { c: [1, { d: null }] } } }], ['deep', deep(200)],
  ['prototype keys', JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}')], ['huge string', 'x'.repeat(100_000)],
  ['wrong field types', { limit: 'all', url: 7, publicKey: [], id: {}, factIds: 'a', action: 1, reason: [], source: null, score: '1', tokenId: 9, subject: {}, ttlSeconds: -1, status: 5, cursor: 3, peerId: [] }],
  ['negative and NaN-like', { limit: -1, score: -0.0001, ttlSeconds: 1e308 }],
];

/** Rows that an accepted hostile argument could have written. */
const TABLES = ['facts', 'peers', 'trust_overrides', 'capability_tokens', 'quarantine_decisions'];

describe('admin operations under hostile arguments', () => {
  let node: TestNode;
  const counts = (): number[] => TABLES.map((t) => node.deps.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${raw(t)}`)!.n);
  let before: number[];

  beforeAll(async () => {
    node = await makeTestNode();
    before = counts();
  });
  afterAll(async () => {
    await node.close();
  });

  it('answer with an envelope, never an internal error, called directly', async () => {
    for (const op of OPERATION_NAMES) {
      for (const [label, arg] of HOSTILE) {
        const r = await runAdminOperation(node.deps, op, arg);
        expect(typeof r.ok, `${op} ${label}`).toBe('boolean');
        if (!r.ok) expect(r.error.code, `${op} ${label}: ${r.error.message}`).toBe('validation_failed');
      }
    }
  });

  it('answer 200 with an envelope over HTTP, and refuse unknown operations', async () => {
    for (const op of OPERATION_NAMES) {
      for (const [label, arg] of HOSTILE.filter(([l]) => l !== 'deep')) {
        const res = await node.req('POST', `/console/api/${op}`, arg);
        expect(res.status, `${op} ${label}`).toBeLessThan(500);
        if (res.status === 200) expect(res.body.ok === true || res.body.error.code === 'validation_failed', `${op} ${label}`).toBe(true);
        else expect(res.body.detail ?? res.body.error, `${op} ${label}`).toBeDefined();
      }
    }
    for (const op of ['peers:delete', 'keys:private', 'node:status/../facts:recent', '__proto__']) {
      const res = await node.req('POST', `/console/api/${encodeURIComponent(op)}`, {});
      expect(res.status, op).toBeLessThan(500);
      expect(res.body.ok === true, op).toBe(false);
    }
  });

  it('changed nothing', () => {
    expect(counts()).toEqual(before);
  });
});
