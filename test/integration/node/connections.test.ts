// The HTTP server itself, over real sockets: malformed or slow requests get a JSON answer with a detail and lose their
// connection, and connections beyond the cap are refused while the node keeps answering the ones it holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { startNode, type RunningNode } from '../../../src/main/node/runtime.js';
import { ADMIN_KEY } from '../../helpers/inject.js';

const REQUEST_TIMEOUT_MS = 600;
const MAX_CONNECTIONS = 40;
let dir = '';
let node: RunningNode;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stigmem-conn-'));
  const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_PORT: '0', STIGMEM_ADMIN_KEY: ADMIN_KEY, STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent' });
  node = await startNode(config, { limits: { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxConnections: MAX_CONNECTIONS } });
  port = Number(new URL(node.url).port);
});
afterAll(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection (or `untilMs` passes), and whether it closed it. */
function readAll(s: Socket, untilMs = 10_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), untilMs);
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

async function rawExchange(bytes: string | Buffer): Promise<{ status: number; body: { detail?: string; code?: string; status?: string }; closed: boolean }> {
  const s = await open();
  const reply = readAll(s);
  s.write(bytes);
  const { text, closed } = await reply;
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status, body: body.startsWith('{') ? (JSON.parse(body) as { detail?: string; code?: string }) : {}, closed };
}

describe('requests the HTTP parser refuses', () => {
  it.each([
    ['two Content-Length headers', 'POST /v1/facts HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x', 'Content-Length'],
    ['Content-Length with Transfer-Encoding', 'POST /v1/facts HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}', 'Content-Length'],
    ['a malformed chunk size', 'POST /v1/facts HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 'chunked'],
    ['an unknown method', 'FOO / HTTP/1.1\r\nHost: localhost\r\n\r\n', 'method'],
    ['a target that is not a path', 'GET healthz HTTP/1.1\r\nHost: localhost\r\n\r\n', 'target'],
    ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nnocolon\r\n\r\n', 'well-formed'],
    ['a TLS ClientHello on the plain port', Buffer.from('160301002e010000', 'hex'), 'HTTPS'],
  ])('%s: 400 bad_http with a detail, and the connection closes', async (_name, bytes, mentions) => {
    const r = await rawExchange(bytes);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('bad_http');
    expect(r.body.detail).toContain(mentions);
    expect(r.closed).toBe(true);
  });

  it('headers over 64 KiB: 431 headers_too_large', async () => {
    const r = await rawExchange(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${'b'.repeat(70 * 1024)}\r\n\r\n`);
    expect(r.status).toBe(431);
    expect(r.body).toEqual({ detail: 'request headers exceed 64 KiB', code: 'headers_too_large' });
  });

  it('an HTTP/1.1 request without Host: 400 missing_host; HTTP/1.0 needs none', async () => {
    const r = await rawExchange('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('missing_host');
    const old = await rawExchange('GET /healthz HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
    expect(old.body.status).toBe('ok');
  });

  it('an Expect other than 100-continue: 417 expectation_failed', async () => {
    const r = await rawExchange('POST /v1/facts HTTP/1.1\r\nHost: localhost\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}');
    expect(r.status).toBe(417);
    expect(r.body.code).toBe('expectation_failed');
  });

  it('a compressed body: 415 unsupported_content_encoding, not a JSON error', async () => {
    const res = await fetch(`${node.url}/v1/facts`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{}'),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('unsupported_content_encoding');
  });
});

describe('slow clients and floods', () => {
  it('a request trickled a header at a time is answered 408 and dropped once the request timeout passes', async () => {
    const s = await open();
    const reply = readAll(s);
    s.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => s.writable && s.write('X-Slow: 1\r\n'), 100);
    const { text, closed } = await reply;
    clearInterval(drip);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"request_timeout"');
  });

  it('a body that stops arriving is answered 408 and dropped', async () => {
    const s = await open();
    const reply = readAll(s);
    s.write(`POST /v1/facts HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"entity":`);
    const { text, closed } = await reply;
    expect(closed).toBe(true);
    expect(text).toContain('request_timeout');
  });

  it('connections beyond the cap are closed unanswered; those held still get answers, and new ones once freed', async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => open()));
    const extra = await open();
    const refused = await readAll(extra, 5000);
    expect(refused).toEqual({ text: '', closed: true });
    const first = held[0]!;
    const answer = readAll(first);
    first.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect((await answer).text).toMatch(/^HTTP\/1\.1 200 /);
    for (const s of held) s.destroy();
    await expect.poll(async () => (await fetch(`${node.url}/healthz`).then((r) => r.status, () => 0)), { timeout: 5000 }).toBe(200);
  });
});
