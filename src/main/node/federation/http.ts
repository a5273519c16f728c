// Outbound HTTP to peers: bounded time and size, no redirects followed, bodies parsed with the strict parser.
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
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new PeerHttpError('too_large', `response of ${declared} bytes exceeds ${maxBytes}`);
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes) throw new PeerHttpError('too_large', `response exceeds ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export async function peerRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal; timeoutMs?: number; maxBytes?: number; parse?: (bytes: Buffer) => unknown } = {}): Promise<PeerResponse> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, signal, redirect: 'manual' });
  } catch (e) {
    if (opts.signal?.aborted) throw new PeerHttpError('aborted', 'request aborted');
    if (timeout.aborted) throw new PeerHttpError('timeout', `no answer from ${new URL(url).origin} within ${(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`);
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new PeerHttpError('unreachable', `cannot reach ${new URL(url).origin}${cause ? ` (${cause})` : ''}`);
  }
  if (res.status >= 300 && res.status < 400) throw new PeerHttpError('redirect', `peer answered with a redirect (${res.status}); redirects are not followed`);
  let bytes: Buffer;
  try {
    bytes = await readCapped(res, opts.maxBytes ?? MAX_DISCOVERY_BYTES);
  } catch (e) {
    if (e instanceof PeerHttpError) throw e;
    if (opts.signal?.aborted) throw new PeerHttpError('aborted', 'request aborted');
    throw new PeerHttpError('unreachable', `connection to ${new URL(url).origin} broke while reading`);
  }
  let json: unknown = undefined;
  if (bytes.length > 0) {
    try {
      json = (opts.parse ?? parseJsonBytes)(bytes);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

/** A peer's base URL joined with a path (the operator may have typed a trailing slash). */
export function peerUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
