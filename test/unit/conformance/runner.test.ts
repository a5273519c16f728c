import { afterAll, describe, expect, it } from 'vitest';
import {
  formatResult,
  formatSummary,
  runCase,
  runSuite,
  urlNodeFactory,
  type CaseResult,
  type Suite,
} from '../../../src/main/node/conformance/index.js';
import { fakeFactory, gardenHandler, startFakeNode, type Handler } from './fakeNode.js';
import { removeVectorFolders, suiteOf, vectorFile } from './suiteFiles.js';

afterAll(removeVectorFolders);

const one = (suite: Suite, id: string) => {
  const c = suite.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};

const gardenVectors = vectorFile([
  { id: 'create', method: 'POST', path: '/v1/gardens', body: { slug: 'alpha', scope: 'team' }, expected_status: 201, expected_body_contains: { slug: 'alpha' } },
  { id: 'dup', method: 'POST', path: '/v1/gardens', body: { slug: 'alpha' }, expected_status: 409, requires_setup: 'create' },
  { id: 'get', method: 'GET', path: '/v1/gardens/alpha', body: null, expected_status: 200, expected_members_contain_role: 'admin', requires_setup: 'create' },
  { id: 'create-beta', method: 'POST', path: '/v1/gardens', body: { slug: 'beta' }, expected_status: 201, requires_setup: 'create' },
  { id: 'get-deep', method: 'GET', path: '/v1/gardens/alpha', body: null, expected_status: 200, requires_setup: 'create-beta' },
  { id: 'get-without-setup', method: 'GET', path: '/v1/gardens/alpha', body: null, expected_status: 200 },
  { id: 'get-missing', method: 'GET', path: '/v1/gardens/zzz', body: null, expected_status: 404, expected_body_contains: { never: 'checked' } },
  { id: 'setup-fails', method: 'GET', path: '/v1/gardens/alpha', body: null, expected_status: 200, requires_setup: 'get-missing' },
  { id: 'unknown-setup', method: 'GET', path: '/healthz', body: null, expected_status: 200, requires_setup: 'nope' },
]);

describe('vectors on fresh nodes', () => {
  const suite = suiteOf({ 'v1.0/gardens.json': gardenVectors });

  it('runs the requires_setup chain first, deepest first, on the same node', async () => {
    const f = fakeFactory(gardenHandler);
    const r = await runCase(suite, one(suite, 'get-deep'), f);
    expect(r).toMatchObject({ outcome: 'pass', reason: '' });
    expect(f.made).toHaveLength(1);
    expect(f.made[0]!.node.requests.map((q) => `${q.method} ${q.path} ${q.body}`)).toEqual([
      'POST /v1/gardens {"slug":"alpha","scope":"team"}',
      'POST /v1/gardens {"slug":"beta"}',
      'GET /v1/gardens/alpha ',
    ]);
  });

  it('gives every case its own node: state from one case never reaches another', async () => {
    const f = fakeFactory(gardenHandler);
    const { results } = await runSuite(suite, f, { concurrency: 2 });
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['get']!.outcome).toBe('pass');
    expect(byId['get-without-setup']).toMatchObject({ outcome: 'fail' });
    expect(byId['get-without-setup']!.reason).toMatch(/^expected HTTP 200, got HTTP 404: \{"detail":"garden not found"\}/);
    expect(f.made).toHaveLength(suite.cases.length);
  });

  it('fails a vector whose prerequisite does not return < 300, naming it', async () => {
    const r = await runCase(suite, one(suite, 'setup-fails'), fakeFactory(gardenHandler));
    expect(r.outcome).toBe('fail');
    expect(r.reason).toMatch(/^setup vector 'get-missing' failed: HTTP 404/);
  });

  it('fails a vector whose requires_setup names no vector of its version', async () => {
    const r = await runCase(suite, one(suite, 'unknown-setup'), fakeFactory(gardenHandler));
    expect(r).toMatchObject({ outcome: 'fail', reason: "requires_setup names unknown vector 'nope' in v1.0" });
  });

  it('checks bodies only below 400', async () => {
    const r = await runCase(suite, one(suite, 'get-missing'), fakeFactory(gardenHandler));
    expect(r.outcome).toBe('pass');
  });

  it('creates a requires_garden garden (local scope) first and accepts 409', async () => {
    const s = suiteOf({ 'v1.0/g.json': vectorFile([{ id: 'g', method: 'GET', path: '/v1/gardens/beta', body: null, expected_status: 200, requires_garden: 'beta' }]) });
    const f = fakeFactory(gardenHandler);
    expect((await runCase(s, one(s, 'g'), f)).outcome).toBe('pass');
    expect(JSON.parse(f.made[0]!.node.requests[0]!.body)).toEqual({ slug: 'beta', name: 'beta', scope: 'local' });
  });
});

describe('v1 and v2 list semantics through HTTP', () => {
  const handler: Handler = () => ({ status: 200, body: { namespaces: ['rel:', 'garden:'], value: { type: 'number', v: 42.5 } } });
  const check = { method: 'GET', path: '/.well-known/stigmem', body: null, expected_status: 200 };
  const suite = suiteOf({
    'v1.0/a.json': vectorFile([
      { ...check, id: 'scalar', expected_body_contains: { namespaces: ['intent:'] } },
      { ...check, id: 'nested', expected_nested: { 'value.type': 'number', 'value.v': 42.5 } },
      { ...check, id: 'nested-wrong', expected_nested: { 'value.v': 42 } },
    ]),
    'v2.0/a.json': vectorFile([{ ...check, id: 'scalar', expected_body_contains: { namespaces: ['intent:'] } }]),
  });

  it('v1 requires scalar list items; v2 ignores them', async () => {
    const [v1, v2] = suite.cases.filter((c) => c.id === 'scalar');
    expect((await runCase(suite, v1!, fakeFactory(handler))).reason).toBe('HTTP 200: body.namespaces: list has no item "intent:"');
    expect((await runCase(suite, v2!, fakeFactory(handler))).outcome).toBe('pass');
  });

  it('follows dotted paths with exact equality', async () => {
    expect((await runCase(suite, one(suite, 'nested'), fakeFactory(handler))).outcome).toBe('pass');
    expect((await runCase(suite, one(suite, 'nested-wrong'), fakeFactory(handler))).reason).toBe('HTTP 200: value.v = 42.5, expected 42');
  });
});

describe('requests as the reference client sends them', () => {
  it('keeps number literals (1.0 stays 1.0) and sends no body for null', async () => {
    const text = '{"vectors":[{"id":"f","method":"POST","path":"/v1/facts?x=a%3Ab","body":{"confidence":1.0,"n":[0.50,2]},"expected_status":201},' +
      '{"id":"g","method":"GET","path":"/v1/facts","body":null,"expected_status":200}]}';
    const suite = suiteOf({ 'v1.0/f.json': text });
    const f = fakeFactory((req) => ({ status: req.method === 'POST' ? 201 : 200, body: {} }));
    await runSuite(suite, f);
    const reqs = f.made.flatMap((m) => m.node.requests);
    expect(reqs.map((q) => [q.method, q.path, q.body, q.authorization])).toEqual([
      ['POST', '/v1/facts?x=a%3Ab', '{"confidence":1.0,"n":[0.50,2]}', undefined],
      ['GET', '/v1/facts', '', undefined],
    ]);
  });

  it('runs requires_auth vectors on an auth-required node and sends no credentials', async () => {
    const suite = suiteOf({ 'v2.0/a.json': vectorFile([{ id: 'a', method: 'GET', path: '/v1/facts', body: null, expected_status: 401, requires_auth: true }]) });
    const f = fakeFactory((req) => ({ status: req.authorization === undefined ? 401 : 200, body: { detail: 'Authorization header required' } }));
    expect((await runCase(suite, one(suite, 'a'), f)).outcome).toBe('pass');
    expect(f.made.map((m) => m.kind)).toEqual(['auth']);
  });
});

describe('odd responses never crash the runner', () => {
  const suite = suiteOf({ 'v1.0/a.json': vectorFile([{ id: 'k', method: 'GET', path: '/x', body: null, expected_status: 200, expected_body_has_keys: ['id'] }]) });

  it('a 200 that is not JSON fails the body checks and says so', async () => {
    const r = await runCase(suite, one(suite, 'k'), fakeFactory(() => ({ status: 200, body: '<html>oops</html>' })));
    expect(r.outcome).toBe('fail');
    expect(r.reason).toBe(`HTTP 200: response missing key 'id' (response body is not JSON: "<html>oops</html>")`);
  });

  it('a dropped connection is a failure with the transport error', async () => {
    const r = await runCase(suite, one(suite, 'k'), fakeFactory(() => ({ status: 0, destroy: true })));
    expect(r.outcome).toBe('fail');
    expect(r.reason).toMatch(/^GET \/x: fetch failed/);
  });

  it('a node that cannot start is a failure, not an exception', async () => {
    const broken = { description: 'x', warnings: [], acquire: () => Promise.reject(new Error('port taken')), close: async () => {} };
    expect(await runCase(suite, one(suite, 'k'), broken)).toMatchObject({ outcome: 'fail', reason: 'could not start a node: port taken' });
  });

  it('an invalid vector file fails with its reason', async () => {
    const bad = suiteOf({ 'v1.0/x.json': '[not json' });
    const { summary, results } = await runSuite(bad, fakeFactory(gardenHandler));
    expect(summary).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(results[0]!.reason).toMatch(/^cannot parse/);
  });
});

describe('url mode', () => {
  const suite = suiteOf({
    'v1.0/a.json': vectorFile([
      { id: 'open', method: 'GET', path: '/healthz', body: null, expected_status: 200 },
      { id: 'auth', method: 'GET', path: '/v1/facts', body: null, expected_status: 401, requires_auth: true },
    ]),
  });

  it('runs everything against the one node and skips auth cases without --auth-url', async () => {
    const node = await startFakeNode(() => ({ status: 200, body: { status: 'ok' } }));
    try {
      const factory = urlNodeFactory({ url: node.url });
      expect(factory.warnings.join('\n')).toMatch(/results depend on that node's state/);
      const { results, summary } = await runSuite(suite, factory);
      expect(results.map((r) => [r.id, r.outcome, r.reason])).toEqual([
        ['open', 'pass', ''],
        ['auth', 'skip', 'needs a node with auth required (pass --auth-url)'],
      ]);
      expect(summary).toEqual({ passed: 1, failed: 0, skipped: 1 });
      expect(node.requests).toHaveLength(1);
    } finally {
      await node.close();
    }
  });

  it('sends auth cases to --auth-url when given', async () => {
    const open = await startFakeNode(() => ({ status: 200, body: {} }));
    const authed = await startFakeNode(() => ({ status: 401, body: { detail: 'Authorization header required' } }));
    try {
      const { summary } = await runSuite(suite, urlNodeFactory({ url: open.url, authUrl: authed.url }));
      expect(summary).toEqual({ passed: 2, failed: 0, skipped: 0 });
      expect(authed.requests.map((q) => q.path)).toEqual(['/v1/facts']);
    } finally {
      await Promise.all([open.close(), authed.close()]);
    }
  });
});

describe('runSuite', () => {
  it('reports in suite order, respects the concurrency limit, and skips plugin vectors', async () => {
    const vectors = Array.from({ length: 9 }, (_, i) => ({ id: `v${i}`, method: 'GET', path: '/healthz', body: null, expected_status: i === 4 ? 500 : 200 }));
    const suite = suiteOf({ 'v1.0/a.json': vectorFile(vectors), 'v2.0/p.json': { requires_plugin: 'tombstones', vectors: [{ id: 'p', method: 'GET', path: '/x', body: null }] } });
    const f = fakeFactory(() => ({ status: 200, body: {} }));
    const seen: CaseResult[] = [];
    const { summary } = await runSuite(suite, f, { concurrency: 3, onResult: (r) => seen.push(r) });
    expect(seen.map((r) => r.id)).toEqual([...vectors.map((v) => v.id), 'p']);
    expect(f.maxLive).toBeLessThanOrEqual(3);
    expect(f.maxLive).toBeGreaterThan(1);
    expect(summary).toEqual({ passed: 8, failed: 1, skipped: 1 });
    expect(seen.at(-1)).toMatchObject({ outcome: 'skip', reason: 'requires plugin "tombstones"' });
  });

  it('formats result lines and the summary line', () => {
    expect(formatResult({ id: 'a', file: 'v1.0/x.json', kind: 'vector', outcome: 'pass', reason: '' })).toBe('PASS  a  (v1.0/x.json)');
    expect(formatResult({ id: 'b', file: 'v1.0/x.json', kind: 'vector', outcome: 'fail', reason: 'expected HTTP 201' })).toBe('FAIL  b  (v1.0/x.json) - expected HTTP 201');
    expect(formatSummary({ passed: 3, failed: 1, skipped: 0 })).toBe('conformance: 3 passed, 1 failed');
    expect(formatSummary({ passed: 3, failed: 0, skipped: 2 })).toBe('conformance: 3 passed, 0 failed, 2 skipped');
  });
});
