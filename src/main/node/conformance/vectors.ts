// Runs one wire-format vector on a node: its garden and requires_setup chain first, then the request and its checks.
import { describeExchange, encodeVectorJson, send, type Exchange } from './http.js';
import { checkBody, checkErrorBody, checkStatus, show } from './match.js';
import type { JsonObject, Suite, VectorCase } from './types.js';

export type Verdict = { ok: true } | { ok: false; reason: string };

function vectorRequest(baseUrl: string, v: JsonObject): Promise<Exchange> {
  const body = v['body'] === null || v['body'] === undefined ? undefined : encodeVectorJson(v['body']);
  return send(baseUrl, String(v['method']), String(v['path']), { body });
}

/** The prerequisites of a vector, deepest first; an unknown id or a cycle is an error, not a silent no-op. */
export function setupChain(suite: Suite, c: VectorCase): VectorCase[] | string {
  const index = suite.setupIndex.get(c.versionLabel);
  const chain: VectorCase[] = [];
  const seen = new Set<string>([c.id]);
  let cur: VectorCase = c;
  for (;;) {
    const next = cur.vector['requires_setup'];
    if (next === undefined || next === null || next === '') break;
    if (typeof next !== 'string') return `requires_setup of '${cur.id}' is not a string`;
    if (seen.has(next)) return `requires_setup cycle through '${next}'`;
    const prereq = index?.get(next);
    if (!prereq) return `requires_setup names unknown vector '${next}'${c.versionLabel ? ` in ${c.versionLabel}` : ''}`;
    seen.add(next);
    chain.unshift(prereq);
    cur = prereq;
  }
  return chain;
}

async function prepare(baseUrl: string, suite: Suite, c: VectorCase): Promise<string | null> {
  const slug = c.vector['requires_garden'];
  if (typeof slug === 'string' && slug !== '') {
    const x = await send(baseUrl, 'POST', '/v1/gardens', { body: JSON.stringify({ slug, name: slug, scope: 'local' }) });
    if (x.status !== 201 && x.status !== 409) return `garden setup for '${slug}' failed: ${describeExchange(x)}`;
  }
  const chain = setupChain(suite, c);
  if (typeof chain === 'string') return chain;
  for (const prereq of chain) {
    const x = await vectorRequest(baseUrl, prereq.vector);
    if (x.error || x.status >= 300) return `setup vector '${prereq.id}' failed: ${describeExchange(x)}`;
  }
  return null;
}

/** Run the vector on a node that nothing else uses. */
export async function runVector(baseUrl: string, suite: Suite, c: VectorCase): Promise<Verdict> {
  const setupProblem = await prepare(baseUrl, suite, c);
  if (setupProblem) return { ok: false, reason: setupProblem };
  const x = await vectorRequest(baseUrl, c.vector);
  if (x.error) return { ok: false, reason: x.error };
  const statusProblem = checkStatus(x.status, c.vector);
  if (statusProblem) return { ok: false, reason: `${statusProblem}, got ${describeExchange(x)}` };
  // A body that is not JSON is checked as {} (the reference runner does the same) and said so.
  const body = x.json === undefined ? {} : x.json;
  const problems = x.status < 400 ? checkBody(body, c.vector, c.major) : checkErrorBody(body, c.vector, c.major);
  if (problems.length === 0) return { ok: true };
  const note = x.json === undefined && x.text.trim() !== '' ? ` (response body is not JSON: ${show(x.text, 80)})` : '';
  return { ok: false, reason: `HTTP ${x.status}: ${problems.join('; ')}${note}` };
}
