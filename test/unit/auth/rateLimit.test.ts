// Per-caller request quotas on /v1 (CONTRACT.md "Auth"): writes and reads counted apart, per API key, per token subject
// and per address; federation routes exempt; every 429 with Retry-After and a detail.
import { afterEach, describe, expect, it } from 'vitest';
import { HourlyBuckets } from '../../../src/main/node/auth/rateLimit.js';
import { ConfigError, loadConfig } from '../../../src/main/node/config/env.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const fact = (i: number) => ({ entity: `stigmem://t.example/e/${i}`, relation: 'memory:role', value: { type: 'string', v: `v${i}` }, source: 'stigmem://t.example/agent/a', scope: 'local' });

describe('HourlyBuckets', () => {
  it('lets a full hour\'s worth through at once, then one request per 3600/N seconds', () => {
    const b = new HourlyBuckets(4);
    const t0 = 1_000_000;
    expect([0, 1, 2, 3].map(() => b.take('k', t0))).toEqual([0, 0, 0, 0]);
    expect(b.take('k', t0)).toBe(900);
    expect(b.take('other', t0)).toBe(0);
    expect(b.take('k', t0 + 899_000)).toBe(1);
    expect(b.take('k', t0 + 900_000)).toBe(0);
  });

  it('forgets the least recently used caller beyond its bound, which only ever gives that caller a full bucket', () => {
    const b = new HourlyBuckets(1, 2);
    expect([b.take('a', 0), b.take('b', 0), b.take('c', 0)]).toEqual([0, 0, 0]);
    expect(b.take('a', 0)).toBe(0);
    expect(b.take('c', 0)).toBe(3600);
  });
});

describe('rate limits on a node', () => {
  it('refuses a key\'s write over its hourly quota with 429, Retry-After and a detail; reads and other keys go on', async () => {
    node = await makeTestNode({ STIGMEM_RATE_LIMIT_WRITE_PER_HOUR: '3', STIGMEM_RATE_LIMIT_READ_PER_HOUR: '50' });
    for (let i = 0; i < 3; i++) expect((await node.req('POST', '/v1/facts', fact(i))).status).toBe(201);
    const over = await node.req('POST', '/v1/facts', fact(9));
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ detail: 'rate limit: at most 3 writes per hour for this caller; retry in 1200 s', code: 'rate_limited' });
    expect(over.headers['retry-after']).toBe('1200');
    expect((await node.req('GET', '/v1/facts?scope=local')).body.total).toBe(3);
    node.deps.apiKeys.create({ rawKey: 'second-key-0123456789abcdef0123', entityUri: 'stigmem://t.example/agent/b', permissions: ['read', 'write'] }, new Date().toISOString());
    expect((await node.req('POST', '/v1/facts', fact(10), 'second-key-0123456789abcdef0123')).status).toBe(201);
  });

  it('leaves federation routes to their peer tokens, and counts callers without credentials per address', async () => {
    node = await makeTestNode({ STIGMEM_RATE_LIMIT_READ_PER_HOUR: '2', STIGMEM_AUTH_REQUIRED: 'false' });
    for (let i = 0; i < 5; i++) expect((await node.req('GET', '/v1/federation/peers')).status).toBe(200);
    const anon = (ip: string) => node!.app.inject({ method: 'GET', url: '/v1/facts', remoteAddress: ip });
    expect([(await anon('10.0.0.1')).statusCode, (await anon('10.0.0.1')).statusCode, (await anon('10.0.0.1')).statusCode]).toEqual([200, 200, 429]);
    expect((await anon('10.0.0.2')).statusCode).toBe(200);
    // Over IPv6 a caller is its /64: another address of it shares the quota, another /64 has its own.
    expect([(await anon('2001:db8::1')).statusCode, (await anon('2001:db8::2')).statusCode, (await anon('2001:db8::3')).statusCode]).toEqual([200, 200, 429]);
    expect((await anon('2001:db8:0:1::1')).statusCode).toBe(200);
  });

  it('runs without limits only when told to on purpose', () => {
    expect(loadConfig({}).config).toMatchObject({ rateLimitWritePerHour: 1000, rateLimitReadPerHour: 5000 });
    expect(() => loadConfig({ STIGMEM_RATE_LIMIT_WRITE_PER_HOUR: '0', STIGMEM_RATE_LIMIT_READ_PER_HOUR: '0' })).toThrow(ConfigError);
    expect(loadConfig({ STIGMEM_RATE_LIMIT_WRITE_PER_HOUR: '0', STIGMEM_RATE_LIMIT_READ_PER_HOUR: '0', STIGMEM_RATE_LIMIT_DISABLED_ACK: '1' }).config.rateLimitWritePerHour).toBe(0);
    expect(() => loadConfig({ STIGMEM_RATE_LIMIT_READ_PER_HOUR: 'lots' })).toThrow(/STIGMEM_RATE_LIMIT_READ_PER_HOUR/);
  });
});
