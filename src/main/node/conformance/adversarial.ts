// Runs one adversarial scenario: a forged credential must be refused with a listed status and leak no fact data.
import { describeExchange, send, type Exchange } from './http.js';
import { findFactData, show } from './match.js';
import { forge, type ForgeryTarget } from './forgery.js';
import { isObject } from './load.js';
import type { JsonObject } from './types.js';
import type { Verdict } from './vectors.js';

const SUPPORTED_CRITERIA = new Set(['no_fact_data_in_response']);

/** The org the node says it is (well-known `entity_uri`, else its node URL's authority), so forgeries claim it. */
export async function discoverTarget(baseUrl: string): Promise<ForgeryTarget> {
  const x = await send(baseUrl, 'GET', '/.well-known/stigmem', { timeoutMs: 5000 });
  const doc = isObject(x.json) ? x.json : {};
  if (typeof doc['entity_uri'] === 'string' && doc['entity_uri'] !== '') return { orgEntity: doc['entity_uri'] };
  if (typeof doc['node_url'] === 'string' && URL.canParse(doc['node_url'])) return { orgEntity: `stigmem://${new URL(doc['node_url']).host}` };
  return { orgEntity: 'stigmem://testnode' };
}

function statusList(v: unknown): number[] | null {
  return Array.isArray(v) && v.every((s) => typeof s === 'number') ? v : null;
}

function leak(x: Exchange): string | null {
  const found = findFactData(x.json);
  return found ? `response carries fact data (${found}): ${describeExchange(x, 200)}` : null;
}

export async function runScenario(baseUrl: string, scenario: JsonObject): Promise<Verdict> {
  const criterion = scenario['pass_criterion'];
  if (criterion !== undefined && (typeof criterion !== 'string' || !SUPPORTED_CRITERIA.has(criterion))) {
    return { ok: false, reason: `unsupported pass_criterion ${show(criterion)}` };
  }
  const forgery = forge(scenario, await discoverTarget(baseUrl));
  if ('error' in forgery) return { ok: false, reason: forgery.error };
  const method = typeof scenario['method'] === 'string' ? scenario['method'] : 'POST';
  const request = (): Promise<Exchange> => send(baseUrl, method, String(scenario['endpoint']), { body: forgery.body, authorization: forgery.authorization });
  const first = await request();
  if (first.error) return { ok: false, reason: first.error };
  const firstAllowed = statusList(scenario['expected_status']);
  if (firstAllowed && !firstAllowed.includes(first.status)) {
    return { ok: false, reason: `${forgery.note}: expected HTTP in ${show(firstAllowed)}, got ${describeExchange(first, 200)}` };
  }
  const firstLeak = leak(first);
  if (firstLeak) return { ok: false, reason: `${forgery.note}: ${firstLeak}` };
  const replayAllowed = statusList(scenario['expected_status_on_replay']);
  if (!forgery.sendTwice && !replayAllowed) return { ok: true };
  const second = await request();
  if (second.error) return { ok: false, reason: second.error };
  if (replayAllowed && !replayAllowed.includes(second.status)) {
    return { ok: false, reason: `${forgery.note}: on replay expected HTTP in ${show(replayAllowed)}, got ${describeExchange(second, 200)}` };
  }
  const secondLeak = leak(second);
  return secondLeak ? { ok: false, reason: `${forgery.note} (replay): ${secondLeak}` } : { ok: true };
}
