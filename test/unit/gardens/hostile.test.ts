// Hostile input on every garden route: each answer is a 4xx with a detail, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

let node: TestNode;
beforeAll(async () => {
  node = await makeTestNode();
  expect((await node.req('POST', '/v1/gardens', { slug: 'target', name: 'Target' })).status).toBe(201);
});
afterAll(async () => node.close());

function expect4xx(res: { status: number; body: unknown; text: string }, label: string): void {
  expect(res.status, `${label}: ${res.text}`).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  expect(res.body, label).toHaveProperty('detail');
}

const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });

describe('POST /v1/gardens', () => {
  const bodies: [string, unknown][] = [
    ['slug as number', { slug: 123, name: 'n' }],
    ['slug as null', { slug: null, name: 'n' }],
    ['name as list', { slug: 'ok-1', name: ['n'] }],
    ['quarantine as string', { slug: 'ok-2', name: 'n', quarantine: 'yes' }],
    ['quarantine as 1', { slug: 'ok-3', name: 'n', quarantine: 1 }],
    ['scope as null', { slug: 'ok-4', name: 'n', scope: null }],
    ['description as object', { slug: 'ok-5', name: 'n', description: { a: 1 } }],
    ['oversize slug', { slug: 'a'.repeat(100_000), name: 'n' }],
    ['oversize name', { slug: 'ok-6', name: 'n'.repeat(100_000) }],
    ['oversize description', { slug: 'ok-7', name: 'n', description: 'd'.repeat(100_000) }],
    ['unknown field', { slug: 'ok-8', name: 'n', owner: 'me' }],
    ['deep nesting', { slug: 'ok-9', name: deep(500) }],
    ['array body', [{ slug: 'ok-10', name: 'n' }]],
    ['string body', '"just a string"'],
    ['missing fields', {}],
    ['malformed JSON', '{"slug": "x", '],
    ['slug with NUL', { slug: 'a\u0000b', name: 'n' }],
  ];
  it.each(bodies)('%s', async (label, body) => {
    expect4xx(await node.req('POST', '/v1/gardens', body), label);
  });

  it('no body at all', async () => {
    expect4xx(await node.req('POST', '/v1/gardens'), 'no body');
  });

  it('a non-JSON content type', async () => {
    expect4xx(await node.req('POST', '/v1/gardens', 'slug=x', undefined, { 'content-type': 'application/x-www-form-urlencoded' }), 'form body');
  });

  it('created nothing', async () => {
    const list = await node.req('GET', '/v1/gardens');
    const slugs: string[] = list.body.map((g: { slug: string }) => g.slug);
    expect(slugs).toContain('target');
    expect(slugs.filter((s) => s.startsWith('ok-') || s.includes('\u0000'))).toEqual([]);
  });
});

describe('membership bodies', () => {
  const bodies: [string, unknown][] = [
    ['entity_uri as number', { entity_uri: 5, role: 'reader' }],
    ['entity_uri empty', { entity_uri: '', role: 'reader' }],
    ['entity_uri with spaces', { entity_uri: 'a b', role: 'reader' }],
    ['entity_uri with newline', { entity_uri: 'a\nb', role: 'reader' }],
    ['oversize entity_uri', { entity_uri: 'x:'.padEnd(100_000, 'y'), role: 'reader' }],
    ['role as list', { entity_uri: 'x:y', role: ['admin'] }],
    ['unknown role', { entity_uri: 'x:y', role: 'root' }],
    ['unknown field', { entity_uri: 'x:y', role: 'reader', admin: true }],
    ['array body', [{ entity_uri: 'x:y' }]],
  ];
  it.each(bodies)('POST members: %s', async (label, body) => {
    expect4xx(await node.req('POST', '/v1/gardens/target/members', body), label);
  });

  it.each([
    ['role as number', { role: 1 }],
    ['missing role', {}],
    ['unknown field', { role: 'reader', entity_uri: 'x:z' }],
    ['null body', 'null'],
  ] as [string, unknown][])('PATCH member: %s', async (label, body) => {
    expect4xx(await node.req('PATCH', `/v1/gardens/target/members/${encodeURIComponent('stigmem://org/x')}`, body), label);
  });

  it('left the member list alone', async () => {
    const members = await node.req('GET', '/v1/gardens/target/members');
    expect(members.body).toHaveLength(1);
  });
});

describe('paths', () => {
  const paths = [
    '/v1/gardens/%E0%A4%A',
    '/v1/gardens/%',
    '/v1/gardens/target/members/%E0%A4%A',
    '/v1/gardens/target/members/%zz',
    `/v1/gardens/${'a'.repeat(5000)}`,
    '/v1/gardens/a%00b',
    '/v1/gardens/..%2F..%2Fetc',
    `/v1/gardens/target/members/${'m'.repeat(5000)}`,
  ];
  it.each(paths.map((p) => [p.slice(0, 60), p]))('GET %s', async (_label, path) => {
    const res = await node.req('GET', path);
    expect(res.status, res.text).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it.each(['DELETE', 'PATCH'])('%s with a malformed percent-encoding answers 400', async (method) => {
    const res = await node.req(method, '/v1/gardens/target/members/%E0%A4%A', method === 'PATCH' ? { role: 'reader' } : undefined);
    expect(res.status).toBe(400);
  });

  it('unknown gardens and members are 404 with a detail', async () => {
    for (const path of ['/v1/gardens/a%00b', '/v1/gardens/..%2F..%2Fetc']) {
      const res = await node.req('GET', path);
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe('garden not found');
    }
    const res = await node.req('GET', `/v1/gardens/target/members/${'m'.repeat(5000)}`);
    expect4xx(res, 'oversize member');
  });
});
