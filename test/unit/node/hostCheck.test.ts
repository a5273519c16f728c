// DNS rebinding: a node listening on loopback answers only requests addressed to a loopback name or its advertised
// host, on every route (API, discovery, console); a node listening on the network leaves the name to its peers.
import { afterEach, describe, expect, it } from 'vitest';
import { hostnameOf } from '../../../src/main/node/server/hostCheck.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
});

async function node(env: Record<string, string> = {}): Promise<TestNode> {
  const n = await makeTestNode(env);
  nodes.push(n);
  return n;
}

const get = (n: TestNode, url: string, host: string) => n.app.inject({ method: 'GET', url, headers: { host } });

describe('hostnameOf', () => {
  it('reads the name of a Host header, with or without a port, IPv6 in brackets', () => {
    expect(['localhost:8100', 'LOCALHOST', '127.0.0.1:1', '[::1]:8100', '[::1]', 'org.example', '', ':80', '[', '[]:1'].map(hostnameOf)).toEqual([
      'localhost', 'localhost', '127.0.0.1', '::1', '::1', 'org.example', null, null, null, null,
    ]);
  });
});

describe('a node listening on loopback', () => {
  it('refuses a request addressed to any other name, on every route, and answers loopback names', async () => {
    const n = await node();
    for (const url of ['/healthz', '/.well-known/stigmem', '/v1/me', '/console/', '/no-such-route']) {
      const res = await get(n, url, 'rebound.attacker.example:8100');
      expect(res.statusCode, url).toBe(403);
      expect(res.json(), url).toMatchObject({ code: 'host_not_allowed', detail: expect.stringContaining('rebound.attacker.example') });
    }
    for (const host of ['localhost', 'localhost:8100', '127.0.0.1:8100', '127.1.2.3', '[::1]:8100', 'console.localhost:8100']) {
      expect((await get(n, '/healthz', host)).statusCode, host).toBe(200);
    }
  });

  it('answers the host its STIGMEM_NODE_URL names (a reverse proxy in front of it)', async () => {
    const n = await node({ STIGMEM_NODE_URL: 'https://stigmem.org-a.example' });
    expect((await get(n, '/healthz', 'stigmem.org-a.example')).statusCode).toBe(200);
    expect((await get(n, '/healthz', 'other.org-a.example')).statusCode).toBe(403);
  });
});

describe('a node listening on the network', () => {
  it('answers whatever name its peers use', async () => {
    const n = await node({ STIGMEM_HOST: '0.0.0.0' });
    expect((await get(n, '/healthz', 'stigmem.partner-view.example:8100')).statusCode).toBe(200);
  });
});
