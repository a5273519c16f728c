// One HTTP exchange with a node under test. Never throws: transport failures come back as `error`.
import { numberLiteral } from '../json/parse.js';
import { isObject } from './load.js';

export interface Exchange {
  /** 0 when no response arrived. */
  status: number;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
  error: string | null;
}

export interface SendOptions {
  /** JSON text to send with content-type application/json. */
  body?: string;
  /** Full `Authorization` value; '' sends an empty header. */
  authorization?: string;
  timeoutMs?: number;
}

const MAX_RESPONSE_CHARS = 4 * 1024 * 1024;

/**
 * Encode a value read from a vector file, keeping each number's literal text (`1.0` stays `1.0`), so the node
 * receives the bytes the reference runner's Python client sends.
 */
export function encodeVectorJson(value: unknown): string {
  const enc = (v: unknown, container: object | null, key: string): string => {
    if (typeof v === 'number') return (container && numberLiteral(container, key)) ?? JSON.stringify(v);
    if (Array.isArray(v)) return '[' + v.map((x, i) => enc(x, v, String(i))).join(',') + ']';
    if (isObject(v)) return '{' + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ':' + enc(x, v, k)).join(',') + '}';
    return JSON.stringify(v) ?? 'null';
  };
  return enc(value, null, '');
}

export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function send(baseUrl: string, method: string, path: string, opts: SendOptions = {}): Promise<Exchange> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.authorization !== undefined) headers['authorization'] = opts.authorization;
  // The vector path (query string included) is appended verbatim, so its percent-encoding reaches the node unchanged.
  const url = baseUrl.replace(/\/+$/, '') + path;
  if (!URL.canParse(url)) return { status: 0, text: '', json: undefined, error: `bad URL: ${url}` };
  try {
    const res = await fetch(url, {
      method: method.toUpperCase(),
      headers,
      body: opts.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    let text = await res.text();
    if (text.length > MAX_RESPONSE_CHARS) text = text.slice(0, MAX_RESPONSE_CHARS);
    return { status: res.status, text, json: parseBody(text), error: null };
  } catch (e) {
    const err = e as Error & { cause?: { message?: string; code?: string } };
    const cause = err.cause?.code ?? err.cause?.message;
    return { status: 0, text: '', json: undefined, error: `${method} ${path}: ${err.message}${cause ? ` (${cause})` : ''}` };
  }
}

/** `HTTP 404: {"detail":"Not Found"}` or the transport error, for failure messages. */
export function describeExchange(x: Exchange, max = 300): string {
  if (x.error) return x.error;
  const text = x.text.length > max ? `${x.text.slice(0, max)}…` : x.text;
  return `HTTP ${x.status}${text ? `: ${text.replace(/\s+/g, ' ')}` : ''}`;
}
