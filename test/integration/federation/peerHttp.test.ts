// The HTTP client every call to a peer goes through (pages, discovery, manifests, revocations, remote writes), against
// real servers on 127.0.0.1: bounded time and size, no redirects, clear errors, kept-alive connections that never
// keep a process alive.
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/process.js';
import { closeLocal, listenLocal } from '../../helpers/localServer.js';
import { PeerHttpError, peerRequest, usePeerTls } from '../../../src/main/node/federation/http.js';
import { issueCert, makeCa, opensslMissing } from '../../helpers/certs.js';

let server: http.Server;
let base = '';
const seen: { method: string; url: string; port: number; body: string; headers: http.IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', port: req.socket.remotePort ?? 0, body, headers: req.headers });
      if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json', 'x-twice': ['a', 'b'] }).end('{"ok":true}');
      if (req.url === '/echo') return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body }));
      if (req.url === '/text') return res.writeHead(200).end('not json');
      if (req.url === '/redirect') return res.writeHead(307, { location: '/json' }).end();
      if (req.url === '/declared-big') return res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
      if (req.url === '/streamed-big') {
        res.writeHead(200);
        for (let i = 0; i < 10; i++) res.write('x'.repeat(1000));
        return res.end();
      }
      if (req.url === '/broken') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('{"partial":');
        return setTimeout(() => res.socket?.destroy(), 50);
      }
      if (req.url === '/silent') return; // never answers
      res.writeHead(404).end('{"detail":"Not Found"}');
    });
  });
  // Idle connections stay open on the server's side far longer than the child below may take to exit.
  server.keepAliveTimeout = 60_000;
  base = (await listenLocal(server)).url;
});
afterAll(() => closeLocal(server));

const failure = async (p: Promise<unknown>): Promise<{ kind: string; message: string }> => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(PeerHttpError);
  return { kind: (e as PeerHttpError).kind, message: (e as PeerHttpError).message };
};

describe('peerRequest', () => {
  it('returns status, headers, bytes and parsed JSON, and keeps the connection for the next request', async () => {
    const a = await peerRequest(`${base}/json`);
    const b = await peerRequest(`${base}/json`);
    expect([a.status, a.json, a.bytes.toString('utf8'), a.headers.get('content-type'), a.headers.get('x-twice')]).toEqual([200, { ok: true }, '{"ok":true}', 'application/json', 'a, b']);
    expect(b.json).toEqual({ ok: true });
    const ports = seen.filter((s) => s.url === '/json').map((s) => s.port);
    expect(ports[ports.length - 1]).toBe(ports[ports.length - 2]);
  });

  it('sends a body with its length and the caller\'s headers', async () => {
    const r = await peerRequest(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body: '{"é":1}' });
    expect([r.status, r.json]).toEqual([201, { got: '{"é":1}' }]);
    const req = seen.find((s) => s.url === '/echo')!;
    expect([req.method, req.headers['content-length'], req.headers.authorization, req.headers['transfer-encoding']]).toEqual(['POST', '8', 'Bearer t', undefined]);
  });

  it('leaves json undefined for a body that is not JSON, and answers any status without throwing', async () => {
    expect((await peerRequest(`${base}/text`)).json).toBeUndefined();
    expect((await peerRequest(`${base}/nowhere`)).status).toBe(404);
  });

  it('refuses redirects, oversize bodies (declared or streamed) and broken connections with clear errors', async () => {
    expect(await failure(peerRequest(`${base}/redirect`))).toEqual({ kind: 'redirect', message: 'peer answered with a redirect (307); redirects are not followed' });
    expect(await failure(peerRequest(`${base}/declared-big`, { maxBytes: 4096 }))).toEqual({ kind: 'too_large', message: 'response of 5000 bytes exceeds 4096' });
    expect(await failure(peerRequest(`${base}/streamed-big`, { maxBytes: 4096 }))).toEqual({ kind: 'too_large', message: 'response exceeds 4096 bytes' });
    expect(await failure(peerRequest(`${base}/broken`))).toEqual({ kind: 'unreachable', message: `connection to ${base} broke while reading` });
    expect((await peerRequest(`${base}/json`)).status).toBe(200);
  });

  it('times out, is aborted, and names what it could not reach', async () => {
    expect(await failure(peerRequest(`${base}/silent`, { timeoutMs: 200 }))).toEqual({ kind: 'timeout', message: `no answer from ${base} within 0.2 s` });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    expect((await failure(peerRequest(`${base}/silent`, { signal: abort.signal }))).kind).toBe('aborted');
    const closed = http.createServer();
    const { port } = await listenLocal(closed);
    await closeLocal(closed);
    expect(await failure(peerRequest(`http://127.0.0.1:${port}/x`))).toEqual({ kind: 'unreachable', message: `cannot reach http://127.0.0.1:${port} (ECONNREFUSED)` });
    expect(await failure(peerRequest('ftp://127.0.0.1/x'))).toEqual({ kind: 'unreachable', message: 'cannot reach ftp://127.0.0.1 (not http or https)' });
    expect(await failure(peerRequest('not a url'))).toEqual({ kind: 'unreachable', message: 'not a URL' });
  });

  it('speaks TLS to an https peer and refuses a certificate nobody vouches for', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (made.error || made.status !== 0) {
      process.stdout.write(`skipped: openssl could not make a test certificate (${made.error?.message ?? made.stderr.trim()})\n`);
      return ctx.skip();
    }
    const tls = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    const { port } = await listenLocal(tls);
    try {
      const f = await failure(peerRequest(`https://127.0.0.1:${port}/x`));
      expect(f).toEqual({ kind: 'unreachable', message: `cannot reach https://127.0.0.1:${port} (DEPTH_ZERO_SELF_SIGNED_CERT)` });
    } finally {
      await closeLocal(tls);
    }
  });

  it('under mTLS presents the node\'s certificate, and reads nothing from a server whose certificate names another node', async (ctx) => {
    const missing = opensslMissing();
    if (missing) {
      process.stdout.write(`skipped: ${missing}\n`);
      return ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-mtls-client-'));
    const ca = makeCa(dir, 'ca');
    const server = issueCert(dir, ca, 'server', ['stigmem:node:server']);
    const client = issueCert(dir, ca, 'client', ['stigmem:node:client']);
    const seen: (string | null)[] = [];
    // A page-sized body, so the refusal comes before most of it has arrived.
    const big = JSON.stringify({ facts: Array.from({ length: 5000 }, (_, i) => ({ id: i, pad: 'x'.repeat(100) })) });
    const tlsServer = https.createServer({ key: server.key, cert: server.cert, ca: ca.pem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      seen.push(peer.subjectaltname ?? null);
      res.setHeader('content-type', 'application/json');
      res.end(big);
    });
    const { port } = await listenLocal(tlsServer);
    usePeerTls({ cert: client.cert, key: client.key, ca: ca.pem });
    try {
      const right = await peerRequest(`https://127.0.0.1:${port}/page`, { expectPeerUri: 'stigmem:node:server', maxBytes: 4 * 1024 * 1024 });
      expect(right.status).toBe(200);
      expect(right.peerUris).toEqual(['stigmem:node:server']);
      expect(right.bytes.length).toBe(Buffer.byteLength(big));
      expect(seen[0]).toContain('URI:stigmem:node:client');

      const wrong = await peerRequest(`https://127.0.0.1:${port}/page`, { expectPeerUri: 'stigmem:node:someone-else', maxBytes: 4 * 1024 * 1024 });
      expect(wrong.peerUris).toEqual(['stigmem:node:server']);
      expect(wrong.bytes.length).toBe(0);
      expect(wrong.json).toBeUndefined();
      // The process is still here, and the next request works on a fresh connection (a full handshake: a resumed TLS
      // session does not show the client the server's certificate again).
      await new Promise((r) => setTimeout(r, 200));
      expect((await peerRequest(`https://127.0.0.1:${port}/page`, { expectPeerUri: 'stigmem:node:server', maxBytes: 4 * 1024 * 1024 })).bytes.length).toBe(Buffer.byteLength(big));
    } finally {
      usePeerTls(null);
      await closeLocal(tlsServer);
    }
  });

  it('does not keep a process alive with the connections it keeps open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-http-'));
    const bundle = join(dir, 'http.mjs');
    await build({ entryPoints: [join(REPO_ROOT, 'src/main/node/federation/http.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'silent', absWorkingDir: REPO_ROOT });
    const script = join(dir, 'child.mjs');
    writeFileSync(script, `import { peerRequest } from ${JSON.stringify(bundle)};\nconst r = await peerRequest(${JSON.stringify(`${base}/json`)});\nconsole.log(r.status);\n`);
    // A child that does not exit on its own within 10 s is killed and fails the test (exit code null).
    const child = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, [script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const killer = setTimeout(() => p.kill(), 10_000);
      p.on('exit', (code) => {
        clearTimeout(killer);
        resolve({ code, out });
      });
    });
    expect(child).toEqual({ code: 0, out: '200\n' });
  });
});
