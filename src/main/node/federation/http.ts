// Outbound HTTP to peers: bounded time and size, no redirects followed, bodies parsed with the strict parser.
// node:http rather than fetch: reading a 400 KB page costs about a third of the CPU, and pages are most of the traffic.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { uriSans, type TlsMaterial } from '../crypto/tlsMaterial.js';
import { parseJsonBytes } from '../json/parse.js';

export const DEFAULT_TIMEOUT_MS = 5_000;
export const MAX_DISCOVERY_BYTES = 1024 * 1024;
export const MAX_PAGE_BYTES = 32 * 1024 * 1024;

export class PeerHttpError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'too_large' | 'bad_json' | 'redirect' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export interface PeerResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
  /** Over TLS, the URI SANs of the certificate the peer presented (its node id under mTLS); null over plain HTTP. */
  peerUris: string[] | null;
}

// Connections to a peer are kept open between pages (idle ones do not keep the process alive).
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
let mtlsAgent: https.Agent | null = null;

/**
 * Present this certificate to HTTPS peers from now on (null: none), as mTLS federation needs. One per process (or
 * worker thread): a process runs one node. Peers' certificates verify against the federation's CA or the system's.
 */
export function usePeerTls(m: TlsMaterial | null): void {
  mtlsAgent?.destroy();
  // No session resumption: a resumed session does not show the server's certificate, and its node id must be read.
  mtlsAgent = m === null ? null : new https.Agent({ keepAlive: true, cert: m.cert, key: m.key, ca: [...rootCertificates, m.ca], minVersion: 'TLSv1.3', maxCachedSessions: 0 });
}

function peerUrisOf(res: IncomingMessage): string[] | null {
  const socket = res.socket as Partial<TLSSocket> | null;
  if (socket?.encrypted !== true || typeof socket.getPeerCertificate !== 'function') return null;
  return uriSans(socket.getPeerCertificate().subjectaltname);
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      try {
        headers.append(name, v);
      } catch {
        // A value HTTP's parser let through but Headers refuses: no header we read can be one, so leave it out.
      }
    }
  }
  return headers;
}

/** The response and its body, at most maxBytes of it; rejects with the raw error for the caller to classify. */
function exchange(url: URL, opts: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; maxBytes: number; expectPeerUri?: string }): Promise<{ res: IncomingMessage; bytes: Buffer; peerUris: string[] | null }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body, 'utf8');
    const headers = body ? { ...opts.headers, 'content-length': String(body.length) } : opts.headers;
    const agent = url.protocol === 'https:' ? (mtlsAgent ?? agents['https:']) : agents['http:'];
    const req = client.request(url, { method: opts.method, headers, signal: opts.signal, agent }, (res) => {
      const status = res.statusCode ?? 0;
      // Read now: a kept-alive socket goes back to the pool once the body is read.
      const peerUris = peerUrisOf(res);
      if (opts.expectPeerUri !== undefined && peerUris !== null && !peerUris.includes(opts.expectPeerUri)) {
        // Not the node we asked for: its body is not read, and the connection is not kept for the next request.
        res.on('error', () => undefined);
        req.destroy();
        return resolve({ res, bytes: Buffer.alloc(0), peerUris });
      }
      if (status >= 300 && status < 400) {
        res.resume();
        return reject(new PeerHttpError('redirect', `peer answered with a redirect (${status}); redirects are not followed`));
      }
      const declared = Number(res.headers['content-length'] ?? '0');
      if (declared > opts.maxBytes) {
        req.destroy();
        return reject(new PeerHttpError('too_large', `response of ${declared} bytes exceeds ${opts.maxBytes}`));
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > opts.maxBytes) {
          req.destroy();
          return reject(new PeerHttpError('too_large', `response exceeds ${opts.maxBytes} bytes`));
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ res, bytes: Buffer.concat(chunks), peerUris }));
      res.on('error', (e) => reject(Object.assign(e, { whileReading: true })));
      res.on('aborted', () => reject(Object.assign(new Error('aborted'), { whileReading: true })));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Abort `child` when `parent` aborts, until the returned release is called. AbortSignal.any would do it too, but on
 * Node 20 a long-lived parent (a peer's pull loop) keeps a reference for every signal made from it, never dropped.
 */
export function abortWith(parent: AbortSignal | undefined, child: AbortController): () => void {
  if (!parent) return () => undefined;
  if (parent.aborted) {
    child.abort();
    return () => undefined;
  }
  const follow = (): void => child.abort();
  parent.addEventListener('abort', follow, { once: true });
  return () => parent.removeEventListener('abort', follow);
}

/** `expectPeerUri`: over TLS, the URI SAN the peer's certificate must carry; otherwise nothing of the body is read. */
export async function peerRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal; timeoutMs?: number; maxBytes?: number; parse?: (bytes: Buffer) => unknown; expectPeerUri?: string } = {}): Promise<PeerResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new PeerHttpError('unreachable', 'not a URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new PeerHttpError('unreachable', `cannot reach ${target.origin} (not http or https)`);
  const request = new AbortController();
  let hasTimedOut = false;
  const timer = setTimeout(() => {
    hasTimedOut = true;
    request.abort();
  }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  timer.unref();
  const release = abortWith(opts.signal, request);
  let got: { res: IncomingMessage; bytes: Buffer; peerUris: string[] | null };
  try {
    got = await exchange(target, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, body: opts.body, signal: request.signal, maxBytes: opts.maxBytes ?? MAX_DISCOVERY_BYTES, ...(opts.expectPeerUri !== undefined ? { expectPeerUri: opts.expectPeerUri } : {}) });
  } catch (e) {
    if (e instanceof PeerHttpError) throw e;
    if (opts.signal?.aborted) throw new PeerHttpError('aborted', 'request aborted');
    if (hasTimedOut) throw new PeerHttpError('timeout', `no answer from ${target.origin} within ${(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`);
    if ((e as { whileReading?: boolean }).whileReading) throw new PeerHttpError('unreachable', `connection to ${target.origin} broke while reading`);
    const code = (e as { code?: string }).code;
    throw new PeerHttpError('unreachable', `cannot reach ${target.origin}${code ? ` (${code})` : ''}`);
  } finally {
    clearTimeout(timer);
    release();
  }
  let json: unknown = undefined;
  if (got.bytes.length > 0) {
    try {
      json = (opts.parse ?? parseJsonBytes)(got.bytes);
    } catch {
      json = undefined;
    }
  }
  return { status: got.res.statusCode ?? 0, headers: responseHeaders(got.res), bytes: got.bytes, json, peerUris: got.peerUris };
}

/** A peer's base URL joined with a path (the operator may have typed a trailing slash). */
export function peerUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
