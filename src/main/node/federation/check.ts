// The checks a received fact passes before any database work (shape, scope, ownership, CID, HLC form): pure, so a
// page can be checked on the thread that fetched it.
import { HttpError } from '../errors.js';
import { computeCid } from '../facts/cid.js';
import { parseHlc, type HlcValue } from '../facts/hlc.js';
import { encodeFactValue, parseIsoDatetimeMs, SCOPES, type Scope } from '../facts/values.js';
import type { Sender } from './sender.js';

/** Why one fact was refused; `factId` is the id it claimed (cut to 128 characters), if it had one. */
export class Rejection extends Error {
  factId: string | null = null;
  constructor(
    readonly reason: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

/** A fact that passed every check that needs no database: what will be stored if it is new. */
export interface Checked {
  id: string;
  cid: string;
  entity: string;
  relation: string;
  source: string;
  timestamp: string;
  remote: HlcValue;
  scope: Scope;
  confidence: number;
  validUntil: string | null;
  validUntilMs: number | null;
  valueType: string;
  valueV: string;
  interpretAs: string;
}

export type CheckedItem = Checked | Rejection;

/** What a sender may send, as checks need it. */
export type FactRules = Pick<Sender, 'scopeRefusal' | 'sourceRefusal'>;

const MAX_FIELD = 4096;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(f: Record<string, unknown>, key: string, required = true): string | null {
  const v = f[key];
  if (v === undefined || v === null) {
    if (required) throw new Rejection('malformed', { field: key });
    return null;
  }
  if (typeof v !== 'string' || v === '' || v.length > MAX_FIELD) throw new Rejection('malformed', { field: key });
  return v;
}

function checkFact(rules: FactRules, raw: unknown): Checked {
  if (!isObj(raw)) throw new Rejection('malformed');
  const id = text(raw, 'id')!;
  const entity = text(raw, 'entity')!;
  const relation = text(raw, 'relation')!;
  const source = text(raw, 'source')!;
  const timestamp = text(raw, 'timestamp')!;
  const hlcText = text(raw, 'hlc')!;
  const scope = text(raw, 'scope')! as Scope;
  const claimedCid = text(raw, 'cid', false);
  const validUntil = text(raw, 'valid_until', false);
  const confidence = raw['confidence'];
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) throw new Rejection('malformed', { field: 'confidence' });
  if (!(SCOPES as readonly string[]).includes(scope)) throw new Rejection('malformed', { field: 'scope' });
  const scopeRefusal = rules.scopeRefusal(scope);
  if (scopeRefusal !== null) throw new Rejection(scopeRefusal, { scope });
  const authority = rules.sourceRefusal(source);
  if (authority !== null) throw new Rejection('source_not_owned', { source, authority });
  if (!isObj(raw['value'])) throw new Rejection('malformed', { field: 'value' });
  const value = raw['value'] as { type: string; v?: unknown; interpret_as?: string };
  let encoded: ReturnType<typeof encodeFactValue>;
  try {
    encoded = encodeFactValue(value, ['value']);
  } catch (e) {
    throw new Rejection(e instanceof HttpError && e.status === 413 ? 'value_too_large' : 'malformed', { field: 'value' });
  }
  // Stored as sent (its bytes are the origin's), but it must be a date-time: queries order and filter by it.
  if (parseIsoDatetimeMs(timestamp) === null) throw new Rejection('malformed', { field: 'timestamp' });
  const validUntilMs = validUntil === null ? null : parseIsoDatetimeMs(validUntil);
  if (validUntil !== null && validUntilMs === null) throw new Rejection('malformed', { field: 'valid_until' });
  let valueV = encoded.valueV;
  const cidFor = (v: string): string => computeCid({ entity, relation, valueType: encoded.type, valueV: v, source, scope, confidence });
  let cid = cidFor(valueV);
  if (claimedCid !== null && claimedCid !== cid) {
    // Tolerate the reference's number round trip (it serves "42" as 42.0): accept the integer form if that matches.
    const asInt = encoded.type === 'number' && /^-?\d+\.0$/.test(valueV) ? valueV.slice(0, -2) : null;
    if (asInt === null || !Number.isSafeInteger(Number(asInt)) || cidFor(asInt) !== claimedCid) throw new Rejection('cid_mismatch', { claimed: claimedCid, computed: cid });
    valueV = asInt;
    cid = claimedCid;
  }
  const remote = parseHlc(hlcText);
  if (!remote) throw new Rejection('malformed', { field: 'hlc' });
  return {
    id, cid, entity, relation, source, timestamp, remote, scope, confidence, validUntil, validUntilMs,
    valueType: encoded.type, valueV, interpretAs: encoded.interpretAs,
  };
}

/** Every fact of a page checked on its own: a bad one becomes its Rejection, never an exception for the page. */
export function checkFacts(rules: FactRules, facts: unknown[]): CheckedItem[] {
  return facts.map((raw) => {
    try {
      return checkFact(rules, raw);
    } catch (e) {
      if (!(e instanceof Rejection)) throw e;
      e.factId = isObj(raw) && typeof raw['id'] === 'string' ? raw['id'].slice(0, 128) : null;
      return e;
    }
  });
}

type CheckedTuple = [string, string, string, string, string, string, number, number, Scope, number, string | null, number | null, string, string, string];
type RejectionRecord = { reason: string; detail: Record<string, unknown>; factId: string | null };

/**
 * Checked items in a form that crosses a worker boundary cheaply: a tuple per fact (structured clone of plain arrays
 * costs a fraction of cloning objects), a record per rejection.
 */
export function packItems(items: CheckedItem[]): (CheckedTuple | RejectionRecord)[] {
  return items.map((c) =>
    c instanceof Rejection
      ? { reason: c.reason, detail: c.detail, factId: c.factId }
      : [c.id, c.cid, c.entity, c.relation, c.source, c.timestamp, c.remote.wallMs, c.remote.counter, c.scope, c.confidence, c.validUntil, c.validUntilMs, c.valueType, c.valueV, c.interpretAs],
  );
}

export function unpackItems(packed: (CheckedTuple | RejectionRecord)[]): CheckedItem[] {
  return packed.map((p) => {
    if (!Array.isArray(p)) {
      const r = new Rejection(p.reason, p.detail);
      r.factId = p.factId;
      return r;
    }
    const [id, cid, entity, relation, source, timestamp, wallMs, counter, scope, confidence, validUntil, validUntilMs, valueType, valueV, interpretAs] = p;
    return { id, cid, entity, relation, source, timestamp, remote: { wallMs, counter }, scope, confidence, validUntil, validUntilMs, valueType, valueV, interpretAs };
  });
}

export type PackedItems = ReturnType<typeof packItems>;
