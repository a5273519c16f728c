// The vector matching rules (REFERENCE-NODE.md §13): each check returns the reasons it failed, [] when it holds.
import { isObject } from './load.js';
import type { JsonObject } from './types.js';

/** Short JSON for failure messages. */
export function show(v: unknown, max = 160): string {
  let s: string;
  try {
    s = v === undefined ? 'undefined' : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Structural equality as Python's `==` on parsed JSON (1 == 1.0; key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    return ak.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * `expected_body_contains`: dicts match key by key, recursively; every expected dict item of a list must match some
 * element (recursively). Scalar list items must be members in v1 and are ignored in v2, as the two reference runners do.
 */
export function containsSubset(actual: unknown, expected: unknown, path: string, major: number): string | null {
  if (isObject(expected)) {
    if (!isObject(actual)) return `${path}: expected an object, got ${show(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      if (!Object.hasOwn(actual, k)) return `${path}: missing key '${k}'`;
      const r = containsSubset(actual[k], v, `${path}.${k}`, major);
      if (r) return r;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, got ${show(actual)}`;
    for (const item of expected) {
      if (isObject(item)) {
        if (!actual.some((cand) => containsSubset(cand, item, `${path}[]`, major) === null)) {
          return `${path}: no list item matches ${show(item)}`;
        }
      } else if (major < 2 && !actual.some((cand) => deepEqual(cand, item))) {
        return `${path}: list has no item ${show(item)}`;
      }
    }
    return null;
  }
  return deepEqual(actual, expected) ? null : `${path}: got ${show(actual)}, expected ${show(expected)}`;
}

/** Walk `a.b.c` through objects. */
export function dotted(body: unknown, dottedPath: string): { found: true; value: unknown } | { found: false; missing: string } {
  let cur: unknown = body;
  for (const part of dottedPath.split('.')) {
    if (!isObject(cur) || !Object.hasOwn(cur, part)) return { found: false, missing: part };
    cur = cur[part];
  }
  return { found: true, value: cur };
}

function asRecord(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

function checkNested(body: unknown, expectations: JsonObject, lenient: boolean): string[] {
  const out: string[] = [];
  for (const [p, want] of Object.entries(expectations)) {
    const got = dotted(body, p);
    if (!got.found) {
      if (!lenient) out.push(`${p}: missing key '${got.missing}'`);
    } else if (!deepEqual(got.value, want)) out.push(`${p} = ${show(got.value)}, expected ${show(want)}`);
  }
  return out;
}

function checkListContains(body: unknown, expectations: JsonObject): string[] {
  const out: string[] = [];
  for (const [key, item] of Object.entries(expectations)) {
    const list = isObject(body) ? body[key] : undefined;
    if (!isObject(body) || !Object.hasOwn(body, key)) out.push(`missing list key '${key}'`);
    else if (!Array.isArray(list)) out.push(`'${key}' is not a list`);
    else if (isObject(item)) {
      const hit = list.some((el) => isObject(el) && Object.entries(item).every(([k, v]) => deepEqual(el[k], v)));
      if (!hit) out.push(`list '${key}' has no item matching ${show(item)}`);
    } else if (!list.some((el) => deepEqual(el, item))) out.push(`${show(item)} not in '${key}': ${show(list)}`);
  }
  return out;
}

function checkFields(body: unknown, v: JsonObject): string[] {
  const out: string[] = [];
  const b = asRecord(body);
  for (const [field, allowed] of Object.entries(asRecord(v['expected_body_value_in']))) {
    if (!Object.hasOwn(b, field)) out.push(`missing field '${field}'`);
    else if (!Array.isArray(allowed) || !allowed.some((a) => deepEqual(a, b[field]))) {
      out.push(`${field} = ${show(b[field])}, expected one of ${show(allowed)}`);
    }
  }
  for (const [field, prefix] of Object.entries(asRecord(v['expected_field_starts_with']))) {
    const val = b[field];
    if (!Object.hasOwn(b, field)) out.push(`missing field '${field}' for the starts-with check`);
    else if (typeof val !== 'string' || typeof prefix !== 'string' || !val.startsWith(prefix)) {
      out.push(`${field} = ${show(val)}, expected to start with ${show(prefix)}`);
    }
  }
  for (const [field, len] of Object.entries(asRecord(v['expected_field_length']))) {
    const val = b[field];
    const actual = typeof val === 'string' || Array.isArray(val) ? val.length : null;
    if (!Object.hasOwn(b, field)) out.push(`missing field '${field}' for the length check`);
    else if (actual !== len) out.push(`length of ${field} = ${actual ?? show(val)}, expected ${show(len)}`);
  }
  return out;
}

/** v2's recall checks look at facts[0] only when there is one, as the reference runner does. */
function checkFirstFact(body: unknown, v: JsonObject): string[] {
  const out: string[] = [];
  const facts = asRecord(body)['facts'];
  const first = Array.isArray(facts) && facts.length > 0 ? facts[0] : undefined;
  if (first === undefined) return out;
  const keys = v['expected_first_fact_has_keys'];
  if (Array.isArray(keys)) for (const k of keys) if (!Object.hasOwn(asRecord(first), String(k))) out.push(`facts[0] missing key '${String(k)}'`);
  const bdKeys = v['expected_first_fact_score_breakdown_keys'];
  const bd = asRecord(first)['score_breakdown'];
  if (Array.isArray(bdKeys) && isObject(bd)) {
    for (const k of bdKeys) if (!Object.hasOwn(bd, String(k))) out.push(`facts[0].score_breakdown missing key '${String(k)}'`);
  }
  return out;
}

function checkMembersRole(body: unknown, role: unknown): string[] {
  const members = asRecord(body)['members'];
  const list = Array.isArray(members) ? members : [];
  return list.some((m) => isObject(m) && deepEqual(m['role'], role)) ? [] : [`no member with role ${show(role)} in ${show(members)}`];
}

/** Status: `expected_status` exactly, else membership in `expected_status_in`; no expectation means any status. */
export function checkStatus(status: number, v: JsonObject): string | null {
  const exact = v['expected_status'];
  const within = v['expected_status_in'];
  if (typeof exact === 'number') return status === exact ? null : `expected HTTP ${exact}`;
  if (Array.isArray(within)) return within.includes(status) ? null : `expected HTTP in ${show(within)}`;
  return null;
}

/** Every body expectation of a vector whose response status was below 400. */
export function checkBody(body: unknown, v: JsonObject, major: number): string[] {
  const out: string[] = [];
  const keys = v['expected_body_has_keys'];
  if (Array.isArray(keys)) {
    for (const k of keys) if (!isObject(body) || !Object.hasOwn(body, String(k))) out.push(`response missing key '${String(k)}'`);
  }
  if (Object.hasOwn(v, 'expected_body_contains')) {
    const r = containsSubset(body, v['expected_body_contains'], 'body', major);
    if (r) out.push(r);
  }
  out.push(...checkNested(body, asRecord(v['expected_nested']), false));
  out.push(...checkListContains(body, asRecord(v['expected_body_list_contains'])));
  out.push(...checkFields(body, v));
  out.push(...checkFirstFact(body, v));
  if (v['expected_response_is_list'] === true && !Array.isArray(body)) out.push(`expected a list response, got ${show(body)}`);
  if (Object.hasOwn(v, 'expected_members_contain_role')) out.push(...checkMembersRole(body, v['expected_members_contain_role']));
  return out;
}

/** v2 applies `expected_nested` to error responses too, skipping paths that are absent. */
export function checkErrorBody(body: unknown, v: JsonObject, major: number): string[] {
  return major >= 2 ? checkNested(body, asRecord(v['expected_nested']), true) : [];
}

/** Fact data in a response: a non-empty `facts` list or a record with both `id` and `entity`, at any depth. */
export function findFactData(v: unknown, depth = 0): string | null {
  if (depth > 200) return null;
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = findFactData(x, depth + 1);
      if (r) return r;
    }
    return null;
  }
  if (!isObject(v)) return null;
  const facts = v['facts'];
  if (Array.isArray(facts) && facts.length > 0) return `a 'facts' list with ${facts.length} item(s)`;
  if (Object.hasOwn(v, 'id') && Object.hasOwn(v, 'entity')) return `a record with id ${show(v['id'], 60)} and entity ${show(v['entity'], 80)}`;
  for (const x of Object.values(v)) {
    const r = findFactData(x, depth + 1);
    if (r) return r;
  }
  return null;
}
