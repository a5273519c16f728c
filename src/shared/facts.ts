// The Facts screen's part of the admin contract: searching the node's facts as GET /v1/facts does (newest first, the
// same hiding rules), and one fact in full with its provenance and a fresh check of its CID.
import type { RecentFact } from './contract.js';
import { fail, ok, type Result } from './result.js';
import { objectWith } from './validators.js';

export const SCOPES = ['local', 'team', 'company', 'public'] as const;
export type FactScope = (typeof SCOPES)[number];
export const DEFAULT_FACT_PAGE = 50;
export const MAX_FACT_PAGE = 200;
const MAX_FILTER_LENGTH = 2048;

export interface FactSearchInput {
  entity?: string;
  relation?: string;
  source?: string;
  scope?: FactScope;
  /** From the previous page, for the next (older) one. */
  cursor?: string;
  limit?: number;
}

export interface FactSearch {
  entity?: string;
  relation?: string;
  source?: string;
  scope?: FactScope;
  cursor?: string;
  limit: number;
}

export interface FactSearchPage {
  facts: RecentFact[];
  /** How many facts match, all pages together. */
  total: number;
  cursor: string | null;
}

export interface FactRef {
  /** The fact's id, or its CID (`sha256:…`). */
  id: string;
}

export interface FactDetail {
  fact: RecentFact & { cid: string; confidence: number; hlc: string; receivedFrom: string | null; gardenId: string | null; quarantineGardenId: string | null };
  /** The fact exactly as GET /v1/facts/{id} serves it, as indented JSON. */
  record: string;
  /** Its CID computed again from its content now, against the stored one. */
  cid: { isValid: boolean; computed: string };
  /** GET /v1/facts/{id}/provenance, as indented JSON: attestations, token, peer and quarantine decisions. */
  provenance: string;
}

function filterText(v: unknown, name: string): Result<string | undefined> {
  if (v === undefined || (typeof v === 'string' && v.trim() === '')) return ok(undefined);
  if (typeof v !== 'string' || v.length > MAX_FILTER_LENGTH || v.includes('\u0000')) return fail('validation_failed', `${name} is text of at most ${MAX_FILTER_LENGTH} characters`);
  return ok(v.trim());
}

export function validateFactSearch(arg: unknown): Result<FactSearch> {
  const f = objectWith(arg ?? {}, ['entity', 'relation', 'source', 'scope', 'cursor', 'limit'], '{"entity": "stigmem://org.example/agent/a", "scope": "company"}');
  if (!f.ok) return f;
  const out: FactSearch = { limit: DEFAULT_FACT_PAGE };
  for (const name of ['entity', 'relation', 'source', 'cursor'] as const) {
    const t = filterText(f.value[name], name);
    if (!t.ok) return t;
    if (t.value !== undefined) out[name] = t.value;
  }
  const scope = f.value['scope'];
  if (scope !== undefined && scope !== '') {
    if (!SCOPES.includes(scope as FactScope)) return fail('validation_failed', `scope is one of ${SCOPES.join(', ')}`);
    out.scope = scope as FactScope;
  }
  const limit = f.value['limit'];
  if (limit !== undefined) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_FACT_PAGE) return fail('validation_failed', `limit is a whole number from 1 to ${MAX_FACT_PAGE}`);
    out.limit = limit;
  }
  return ok(out);
}

export function validateFactRef(arg: unknown): Result<FactRef> {
  const f = objectWith(arg, ['id'], '{"id": "0192…"}');
  if (!f.ok) return f;
  const id = f.value['id'];
  if (typeof id !== 'string' || id.trim() === '' || id.length > 256) return fail('validation_failed', "id is the fact's id or CID (1 to 256 characters)");
  return ok({ id: id.trim() });
}
