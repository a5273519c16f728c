// SQL through a tagged template: values become bound parameters, never text.
import type Database from 'better-sqlite3';

export interface Sql {
  readonly text: string;
  readonly params: unknown[];
}

export type SqlValue = string | number | bigint | null | Buffer | Sql;

const RAW = Symbol('raw');
interface RawSql {
  [RAW]: string;
}

/** A trusted SQL fragment (an identifier or keyword chosen by code, never by input). */
export function raw(text: string): RawSql {
  return { [RAW]: text };
}

function isSql(v: unknown): v is Sql {
  return typeof v === 'object' && v !== null && 'text' in v && 'params' in v && Array.isArray((v as Sql).params);
}

/**
 * The text a template site produced last time, and the shape it was built from (per placeholder: PLAIN, or the
 * fragment's text). Reusing the same string object lets the statement cache find it without rehashing the text.
 */
const PLAIN = Symbol('plain');
const textCache = new WeakMap<TemplateStringsArray, { text: string; shape: unknown[] }>();

export function sql(strings: TemplateStringsArray, ...values: (SqlValue | RawSql | boolean | undefined)[]): Sql {
  const params: unknown[] = [];
  const shape: unknown[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'object' && v !== null && RAW in v) shape[i] = v[RAW];
    else if (isSql(v)) {
      shape[i] = v.text;
      for (const p of v.params) params.push(p);
    } else {
      shape[i] = PLAIN;
      params.push(typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null));
    }
  }
  const cached = textCache.get(strings);
  if (cached && cached.shape.every((x, i) => x === shape[i])) return { text: cached.text, params };
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) text += (shape[i] === PLAIN ? '?' : (shape[i] as string)) + (strings[i + 1] ?? '');
  textCache.set(strings, { text, shape });
  return { text, params };
}

/** Join fragments with a separator (for optional WHERE clauses). */
export function joinSql(parts: Sql[], sep: string): Sql {
  return { text: parts.map((p) => p.text).join(sep), params: parts.flatMap((p) => p.params) };
}

/** Read-only and writable handles are distinct types, so a reader cannot write by accident. */
export interface ReadDb {
  readonly kind: 'read' | 'write';
  all<T>(q: Sql): T[];
  /** Rows as arrays in column order: much cheaper than objects for wide rows read in bulk. */
  allRaw<T extends unknown[]>(q: Sql): T[];
  get<T>(q: Sql): T | undefined;
  raw: Database.Database;
}

export interface WriteDb extends ReadDb {
  readonly kind: 'write';
  run(q: Sql): Database.RunResult;
  transaction<T>(fn: () => T): T;
}

export function wrapDatabase(db: Database.Database): WriteDb {
  const cache = new Map<string, Database.Statement>();
  const prep = (text: string): Database.Statement => {
    let st = cache.get(text);
    if (!st) {
      st = db.prepare(text);
      if (cache.size > 500) cache.clear();
      cache.set(text, st);
    }
    return st;
  };
  // raw(true) changes a statement's mode, so array-returning statements live in their own cache.
  const rawCache = new Map<string, Database.Statement>();
  const prepRaw = (text: string): Database.Statement => {
    let st = rawCache.get(text);
    if (!st) {
      st = db.prepare(text).raw(true);
      if (rawCache.size > 100) rawCache.clear();
      rawCache.set(text, st);
    }
    return st;
  };
  return {
    kind: 'write',
    raw: db,
    all: <T>(q: Sql) => prep(q.text).all(...q.params) as T[],
    allRaw: <T extends unknown[]>(q: Sql) => prepRaw(q.text).all(...q.params) as T[],
    get: <T>(q: Sql) => prep(q.text).get(...q.params) as T | undefined,
    run: (q: Sql) => prep(q.text).run(...q.params),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
  };
}
