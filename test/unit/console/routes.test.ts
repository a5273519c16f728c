// POST /console/api/:op behind an admin key, the security headers, and where the console is (not) served.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, findRendererDir, isLoopbackClient, registerConsole } from '../../../src/main/node/console/routes.js';
import { HttpError } from '../../../src/main/node/errors.js';
import type { App } from '../../../src/main/node/server/deps.js';
import { ADMIN_KEY, makeTestNode, type TestNode } from '../../helpers/inject.js';

const READ_ONLY_KEY = 'read-only-key-0123456789abcdef';

describe('POST /console/api/:op', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await makeTestNode();
    node.deps.apiKeys.create({ rawKey: READ_ONLY_KEY, entityUri: 'stigmem://test/reader', permissions: ['read', 'write'] }, '2026-05-26T12:00:00.000000+00:00');
  });
  afterAll(async () => {
    await node.close();
  });

  it('answers an admin key with the result envelope', async () => {
    const res = await node.req('POST', '/console/api/node:status');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, value: { nodeId: node.deps.nodeId, publicKey: node.deps.keys.org.publicKey } });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('passes the JSON body to the operation as its argument', async () => {
    expect((await node.req('POST', '/console/api/facts:recent', { limit: 5 })).body).toEqual({ ok: true, value: [] });
    expect((await node.req('POST', '/console/api/facts:recent', 'null')).body).toEqual({ ok: true, value: [] });
    const bad = await node.req('POST', '/console/api/facts:recent', { limit: 10_000 });
    expect(bad.status).toBe(200);
    expect(bad.body).toEqual({ ok: false, error: { code: 'validation_failed', message: 'limit must be between 1 and 200' } });
  });

  it('needs a key: none, a wrong one or another scheme is 401 with detail and code', async () => {
    const none = await node.req('POST', '/console/api/node:status', undefined, false);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ detail: 'Authorization header required', code: 'unauthorized' });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await node.req('POST', '/console/api/node:status', undefined, 'not-the-admin-key');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ detail: 'Invalid or expired API key', code: 'unauthorized' });
    const basic = await node.req('POST', '/console/api/node:status', undefined, false, { authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    const huge = await node.req('POST', '/console/api/node:status', undefined, 'k'.repeat(20_000));
    expect(huge.status).toBe(401);
    expect(huge.body.code).toBe('token_too_large');
  });

  it('refuses a key without the admin permission with 403', async () => {
    const res = await node.req('POST', '/console/api/node:status', undefined, READ_ONLY_KEY);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'admin permission required', code: 'forbidden' });
  });

  it('checks the key before telling whether an operation exists', async () => {
    expect((await node.req('POST', '/console/api/keys:private', undefined, false)).status).toBe(401);
    const unknown = await node.req('POST', '/console/api/keys:private');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'unknown operation "keys:private"', code: 'unknown_operation' });
  });

  it('turns malformed, oversized and non-JSON bodies into clear 4xx answers', async () => {
    const broken = await node.req('POST', '/console/api/facts:recent', '{"limit": ');
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_json');
    const big = await node.req('POST', '/console/api/facts:recent', JSON.stringify({ limit: 1, pad: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    const text = await node.req('POST', '/console/api/facts:recent', 'limit=5', ADMIN_KEY, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    let deep = '1';
    for (let i = 0; i < 5000; i++) deep = `[${deep}]`;
    const nested = await node.req('POST', '/console/api/facts:recent', deep);
    expect(nested.status).toBeGreaterThanOrEqual(400);
    expect(nested.status).toBeLessThan(500);
  });

  it('refuses what a reverse proxy in front of a loopback-bound node forwards', async () => {
    const res = await node.app.inject({ method: 'POST', url: '/console/api/node:status', remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' }, payload: 'null' });
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'console_disabled' });
  });

  it('offers no GET on the API and no other method', async () => {
    expect((await node.req('GET', '/console/api/node:status')).status).toBe(404);
    expect((await node.req('PUT', '/console/api/node:status', {})).status).toBe(404);
  });

  it('sends the security headers on the page too, built or not', async () => {
    const res = await node.req('GET', '/console/', undefined, false);
    expect([200, 503]).toContain(res.status);
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the console on a network listener', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await makeTestNode({ STIGMEM_HOST: '0.0.0.0' });
  });
  afterAll(async () => {
    await node.close();
  });
  const from = (remoteAddress: string, method: 'GET' | 'POST', url: string) =>
    node.app.inject({ method, url, remoteAddress, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, payload: method === 'POST' ? 'null' : undefined });

  it('refuses callers on other machines, whatever key they hold', async () => {
    for (const address of ['192.0.2.7', '10.0.0.1', 'fd00::9', '::ffff:192.0.2.7']) {
      for (const [method, url] of [['GET', '/console/'], ['GET', '/console'], ['POST', '/console/api/node:status']] as const) {
        const res = await from(address, method, url);
        expect(res.statusCode, `${address} ${method} ${url}`).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ code: 'console_disabled', detail: expect.stringContaining('SSH tunnel') });
        expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      }
    }
  });

  it('answers this machine, as an SSH tunnel arrives, over IPv4, IPv6 and mapped IPv4', async () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) {
      const res = await from(address, 'POST', '/console/api/node:status');
      expect(res.statusCode, address).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { nodeId: node.deps.nodeId } });
    }
  });

  it('refuses what a proxy on this machine forwards, though it arrives from loopback', async () => {
    const forwarded: [string, string][] = [['x-forwarded-for', '198.51.100.7'], ['forwarded', 'for=198.51.100.7'], ['x-real-ip', '198.51.100.7'], ['x-forwarded-host', 'node.example'], ['via', '1.1 nginx']];
    for (const [header, value] of forwarded) {
      const res = await node.app.inject({ method: 'POST', url: '/console/api/node:status', remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', [header]: value }, payload: 'null' });
      expect(res.statusCode, header).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'console_disabled', detail: expect.stringContaining(`forwarded by a proxy (${header})`) });
    }
    // The node's API is the proxy's to serve.
    const api = await node.app.inject({ method: 'GET', url: '/v1/facts?limit=1', remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-forwarded-for': '198.51.100.7' } });
    expect(api.statusCode).toBe(200);
  });

  it('leaves the node API to its own rules: peers and clients elsewhere still reach /v1', async () => {
    const res = await from('192.0.2.7', 'GET', '/v1/facts?limit=1');
    expect(res.statusCode).toBe(200);
  });
});

describe('isLoopbackClient', () => {
  it.each([
    ['127.0.0.1', true], ['127.255.0.9', true], ['::1', true], ['::ffff:127.0.0.1', true], ['::FFFF:127.0.0.1', true],
    ['192.0.2.2', false], ['::ffff:10.0.0.1', false], ['fd00::2', false], ['::', false], ['0.0.0.0', false], ['127.0.0.1.evil', false], ['', false], [undefined, false],
  ])('%s → %s', (address, want) => expect(isLoopbackClient(address)).toBe(want));
});

describe('serving the built renderer', () => {
  let dir: string;
  let node: TestNode;
  let app: App;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stigmem-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="./assets/app.js"></script>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app");');
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    node = await makeTestNode();
    // A bare app with the node's error shape, so this folder (not out/renderer) is what gets served.
    app = Fastify({ routerOptions: { ignoreTrailingSlash: true } }) as unknown as App;
    app.setErrorHandler((err, _req, reply) => {
      if (err instanceof HttpError) return reply.code(err.status).send({ detail: err.detail, code: err.code });
      return reply.code((err as { statusCode?: number }).statusCode ?? 500).send({ detail: (err as Error).message });
    });
    await registerConsole(app, node.deps, { rendererDir: dir });
  });
  afterAll(async () => {
    await app.close();
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redirects /console to /console/ so relative asset URLs resolve', async () => {
    const res = await app.inject({ method: 'GET', url: '/console?x=1' });
    expect(res.statusCode).toBe(301);
    expect(res.headers['location']).toBe('/console/?x=1');
  });

  it('serves index.html and assets with the CSP and frame headers, and no key in them', async () => {
    const page = await app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('./assets/app.js');
    expect(page.body).not.toContain(ADMIN_KEY);
    const asset = await app.inject({ method: 'GET', url: '/console/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('serves nothing outside the folder and no dotfiles', async () => {
    for (const url of ['/console/../package.json', '/console/%2e%2e/%2e%2e/package.json', '/console/.env', '/console/assets/../../.env']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('SECRET');
    }
  });
});

describe('findRendererDir', () => {
  it('finds out/renderer from the source tree, out/cli and out/main alike', () => {
    const root = mkdtempSync(join(tmpdir(), 'stigmem-root-'));
    try {
      mkdirSync(join(root, 'out', 'renderer'), { recursive: true });
      mkdirSync(join(root, 'src', 'main', 'node', 'console'), { recursive: true });
      mkdirSync(join(root, 'out', 'cli'), { recursive: true });
      expect(findRendererDir(join(root, 'src', 'main', 'node', 'console'))).toBeNull();
      writeFileSync(join(root, 'out', 'renderer', 'index.html'), '<!doctype html>');
      const expected = join(root, 'out', 'renderer');
      expect(findRendererDir(join(root, 'src', 'main', 'node', 'console'))).toBe(expected);
      expect(findRendererDir(join(root, 'out', 'cli'))).toBe(expected);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
