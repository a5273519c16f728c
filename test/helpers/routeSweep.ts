// Every route an app documents, driven with hostile input: broken JSON, wrong types, deep nesting, oversize bodies, odd
// path and query values, no or forged credentials. A sweep lists each answer that was a 5xx, or a 4xx without a
// machine-readable `detail`, so a route added later is swept without anyone listing it.
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

type Schema = Record<string, unknown>;

export interface SweepOp {
  method: string;
  /** OpenAPI form: `/v1/things/{id}`, a wildcard as `{*}`. */
  path: string;
  query: string[];
  body?: Schema;
}

export interface SweepFailure {
  op: string;
  url: string;
  input: string;
  status: number;
  body: string;
}

export interface SweepOptions {
  /** Bearer value that passes authentication. */
  auth: string;
  /** Known-good values per path parameter (`*` for a wildcard): the first is used while other parts are varied. */
  ids?: Record<string, string[]>;
  /** A body each named operation (`POST /v1/things`) accepts, where a generic walk of its schema cannot make one. */
  bodies?: Record<string, unknown>;
  /** Strings a generated body may use where a schema asks for a string (the first one its schema accepts wins). */
  strings?: string[];
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
}

/** The operations in the app's OpenAPI document (the app must be ready and have @fastify/swagger registered). */
export function operationsOf(app: FastifyInstance): SweepOp[] {
  const spec = (app as unknown as { swagger(): OpenApi }).swagger();
  const ops: SweepOp[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({ method: method.toUpperCase(), path, query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name), ...(body ? { body } : {}) });
    }
  }
  return ops;
}

const PATH_VALUES = ['x', '%00', 'a'.repeat(5000), '..%2F..%2Fetc%2Fpasswd', '%ZZ', '%F0%9F%92%A9', '-1', '1e309', 'null', '%20', '%E0%80%80'];
const QUERY_VALUES = ['', '0', '-1', '1.5', '1e400', 'abc', 'true', '%00', '%ZZ', 'a'.repeat(3000), '2026-11-24T00:00:00Z', 'public'];
const LEAF_VALUES: [string, unknown][] = [
  ['null', null], ['number', 7], ['negative', -1], ['fraction', 0.5], ['huge', 1e308], ['string', 'x'], ['long string', 'a'.repeat(200_000)],
  ['control chars', 'a\u0000b\n'], ['astral', '\u{1F4A9}é'], ['boolean', true], ['array', ['x']], ['empty array', []], ['object', { a: 1 }], ['empty string', ''],
];
const RAW_BODIES: [string, string, string][] = [
  ['truncated JSON', '{"a":', 'application/json'],
  ['array', '[]', 'application/json'],
  ['null', 'null', 'application/json'],
  ['number', '1', 'application/json'],
  ['string', '"x"', 'application/json'],
  ['empty object', '{}', 'application/json'],
  ['deep array', '['.repeat(20_000) + ']'.repeat(20_000), 'application/json'],
  ['deep object', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000), 'application/json'],
  ['oversize', JSON.stringify({ x: 'a'.repeat(3_000_000) }), 'application/json'],
  ['plain text', 'hello', 'text/plain'],
  ['form', 'a=1', 'application/x-www-form-urlencoded'],
  ['prototype keys', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', 'application/json'],
  ['duplicate keys', '{"a":1,"a":2}', 'application/json'],
  ['lone surrogate', '{"a":"\\ud800"}', 'application/json'],
  ['number overflow', '{"score":1e999,"limit":1e999,"confidence":1e999}', 'application/json'],
  ['byte order mark', '\ufeff{}', 'application/json'],
  ['latin1 charset', '{}', 'application/json; charset=latin1'],
];

/** A body the schema accepts as nearly as a generic walk can make one (strings from `strings`, numbers at their minimum). */
export function bodyFor(schema: Schema, strings: string[], ajv = new Ajv({ strict: false }), depth = 0): unknown {
  if (depth > 8) return null;
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  if ('const' in schema) return schema['const'];
  const alt = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
  if (alt?.[0]) return bodyFor(alt[0], strings, ajv, depth + 1);
  const type = Array.isArray(schema['type']) ? (schema['type'][0] as string) : (schema['type'] as string | undefined);
  if (type === 'object' || schema['properties']) {
    const props = (schema['properties'] ?? {}) as Record<string, Schema>;
    return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, bodyFor(s, strings, ajv, depth + 1)]));
  }
  if (type === 'array') return Array.from({ length: Math.max(1, Number(schema['minItems'] ?? 1)) }, () => bodyFor((schema['items'] ?? {}) as Schema, strings, ajv, depth + 1));
  if (type === 'string') {
    const accepts = ajv.compile(schema);
    return strings.find((s) => accepts(s)) ?? 'x';
  }
  if (type === 'number' || type === 'integer') return schema['minimum'] ?? 1;
  if (type === 'boolean') return true;
  return null;
}

/** The body itself, then each field (and each field of a nested object or the first array item) missing or replaced. */
export function mutationsOf(body: unknown): [string, unknown][] {
  const out: [string, unknown][] = [['valid body', body]];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  const rec = body as Record<string, unknown>;
  for (const [k, inner] of Object.entries(rec)) {
    out.push([`without ${k}`, Object.fromEntries(Object.entries(rec).filter(([key]) => key !== k))]);
    for (const [label, v] of LEAF_VALUES) {
      out.push([`${k} = ${label}`, { ...rec, [k]: v }]);
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        for (const k2 of Object.keys(inner)) out.push([`${k}.${k2} = ${label}`, { ...rec, [k]: { ...(inner as Record<string, unknown>), [k2]: v } }]);
      }
      if (Array.isArray(inner) && inner.length > 0) out.push([`${k}[0] = ${label}`, { ...rec, [k]: [v, ...inner.slice(1)] }]);
    }
  }
  out.push(['unknown field', { ...rec, zz_unknown: 1 }]);
  return out;
}

interface Attempt {
  url: string;
  input: string;
  payload?: string;
  contentType?: string;
  auth?: string | null;
}

function attemptsFor(op: SweepOp, opts: SweepOptions): Attempt[] {
  const ids = opts.ids ?? {};
  const params = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const fill = (override: Record<string, string> = {}): string => op.path.replace(/\{([^}]+)\}/g, (_, k: string) => override[k] ?? ids[k]?.[0] ?? 'x');
  const base = fill();
  const out: Attempt[] = [];
  for (const p of params) for (const v of [...(ids[p] ?? []).slice(1), ...PATH_VALUES]) out.push({ url: fill({ [p]: v }), input: `path ${p} = ${v.slice(0, 40)}` });
  for (const q of op.query) for (const v of QUERY_VALUES) out.push({ url: `${base}?${q}=${v}`, input: `query ${q} = ${v.slice(0, 40)}` });
  out.push({ url: `${base}?${op.query[0] ?? 'limit'}=1&${op.query[0] ?? 'limit'}=2`, input: 'repeated query parameter' });
  const named = opts.bodies?.[`${op.method} ${op.path}`];
  const generated = named ?? (op.body ? bodyFor(op.body, opts.strings ?? []) : undefined);
  for (const auth of [null, 'not-a-key', 'a'.repeat(10_000)]) {
    out.push({ url: base, input: `credentials ${auth === null ? 'none' : auth.slice(0, 12)}`, auth, ...(generated !== undefined ? { payload: JSON.stringify(generated), contentType: 'application/json' } : {}) });
  }
  if (op.method === 'GET' || op.method === 'DELETE') {
    out.push({ url: base, input: 'no body' }, { url: base, input: 'truncated JSON body', payload: '{"a":', contentType: 'application/json' });
    return out;
  }
  for (const [label, payload, contentType] of RAW_BODIES) out.push({ url: base, input: `body ${label}`, payload, contentType });
  for (const [label, body] of mutationsOf(generated)) out.push({ url: base, input: `body ${label}`, payload: JSON.stringify(body), contentType: 'application/json' });
  return out;
}

/** Send every attempt to every operation; return the answers that broke the rule (empty when every route held). */
export async function sweepRoutes(app: FastifyInstance, ops: SweepOp[], opts: SweepOptions): Promise<{ failures: SweepFailure[]; requests: number; succeeded: Set<string> }> {
  const failures: SweepFailure[] = [];
  // Operations that answered 2xx at least once: the sweep reached their handlers, not only their validators.
  const succeeded = new Set<string>();
  let requests = 0;
  // Deletions last (the deepest path first), so the other routes still find the rows they were given.
  const depth = (o: SweepOp): number => o.path.split('/').length;
  const ordered = [...ops.filter((o) => o.method !== 'DELETE'), ...ops.filter((o) => o.method === 'DELETE').sort((a, b) => depth(b) - depth(a))];
  for (const op of ordered) {
    for (const a of attemptsFor(op, opts)) {
      requests++;
      const auth = a.auth === undefined ? opts.auth : a.auth;
      const headers: Record<string, string> = {};
      if (auth !== null) headers['authorization'] = `Bearer ${auth}`;
      if (a.contentType) headers['content-type'] = a.contentType;
      const res = await app.inject({ method: op.method as 'GET', url: a.url, headers, ...(a.payload !== undefined ? { payload: a.payload } : {}) });
      if (res.statusCode < 300) succeeded.add(`${op.method} ${op.path}`);
      let detail: unknown;
      if (res.statusCode >= 400) {
        try {
          detail = (JSON.parse(res.body) as { detail?: unknown }).detail;
        } catch {
          detail = undefined;
        }
      }
      if (res.statusCode >= 500 || (res.statusCode >= 400 && (detail === undefined || detail === null || detail === ''))) {
        failures.push({ op: `${op.method} ${op.path}`, url: a.url.slice(0, 120), input: a.input, status: res.statusCode, body: res.body.slice(0, 300) });
      }
    }
  }
  return { failures, requests, succeeded };
}
