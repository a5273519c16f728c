// Asserting facts: the checks of POST /v1/facts, then one transaction for the fact, its retractions and conflicts.
import { hasPermission, type Principal } from '../auth/permissions.js';
import { conflict, HttpError, notFound, unprocessable, validationError } from '../errors.js';
import { canReadGarden, gardenWriteRefusal, type GardenRow } from '../gardens/acl.js';
import { encodeJson } from '../json/pyjson.js';
import type { NodeDeps } from '../server/deps.js';
import { computeCid } from './cid.js';
import { newFactId } from './factId.js';
import { gardenByRef } from './gardenRef.js';
import { closeConflictsOfRetracted, recordContradictions } from './conflicts.js';
import { EntityNormalisationError, isSystemName, normaliseEntityUri, relationWarnings } from './normalise.js';
import { toWireRecord, type WireFactRecord } from './record.js';
import { factRowById, factRowByTripleCid, insertFactRow } from './repo.js';
import { encodeFactValue, parseIsoDatetimeMs, type Scope } from './values.js';
import { inWriteTransaction, writeContext } from './writeContext.js';
import { liveEffectiveConfidence } from '../trust/live.js';

/** A fact to assert, shaped like the POST /v1/facts body (already schema-checked). */
export interface AssertInput {
  entity: string;
  relation: string;
  value: { type: string; v?: unknown; interpret_as?: string };
  source: string;
  confidence?: number;
  scope?: Scope;
  valid_until?: string | null;
  garden_id?: string | null;
  derived_from?: object[];
}

export interface AssertOptions {
  /** Skip the caller's permission and garden-role checks (federation ingest acts on a peer's authority). */
  trusted?: boolean;
  /** Normalise entity and source (local writes); ingest stores them as received. */
  normalise?: boolean;
  id?: string;
  timestamp?: string;
  /** An HLC already taken (e.g. `receive` of a remote HLC); otherwise the node's clock ticks. */
  hlc?: string;
  receivedFrom?: string | null;
  originNodeId?: string | null;
  originAllowedScopes?: string[] | null;
  sourceTrust?: number | null;
  quarantineGardenId?: string | null;
  quarantineReason?: string | null;
  attestedKeyId?: string | null;
  /** The CID the caller already computed over exactly these fields (federation ingest checks it first). */
  cid?: string;
}

export interface AssertResult {
  record: WireFactRecord;
  /** false when a fact with the same CID already existed (idempotent re-assert; nothing was written). */
  created: boolean;
  conflictIds: string[];
}

function normalised(raw: string): string {
  try {
    return normaliseEntityUri(raw);
  } catch (e) {
    if (e instanceof EntityNormalisationError) throw new HttpError(400, `invalid_entity_uri: ${e.message}`, 'invalid_entity_uri');
    throw e;
  }
}

function resolveGarden(deps: NodeDeps, principal: Principal, ref: string, scope: Scope, trusted: boolean): GardenRow {
  const garden = gardenByRef(deps.db, ref);
  if (!garden) throw notFound('garden not found');
  // Quarantine gardens hold facts of every scope (CONTRACT.md "Trust and quarantine").
  if (garden.scope !== scope && garden.quarantine !== 1) {
    throw unprocessable(`scope mismatch: garden scope is '${garden.scope}' but fact scope is '${scope}'`, 'scope_mismatch');
  }
  if (!trusted) {
    const refusal = gardenWriteRefusal(deps.db, principal, garden.id);
    if (refusal) throw new HttpError(403, refusal, 'forbidden');
  }
  return garden;
}

function validUntilMs(validUntil: string | null | undefined): number | null {
  if (validUntil === null || validUntil === undefined) return null;
  const ms = parseIsoDatetimeMs(validUntil);
  if (ms === null) throw validationError([{ type: 'value_error', loc: ['body', 'valid_until'], msg: 'valid_until must be an ISO 8601 date-time or null' }]);
  return ms;
}

export function assertFact(deps: NodeDeps, principal: Principal, input: AssertInput, opts: AssertOptions = {}): AssertResult {
  const trusted = opts.trusted === true;
  const value = encodeFactValue(input.value, ['body', 'value']);
  const expiresMs = validUntilMs(input.valid_until);
  const confidence = input.confidence ?? 1;
  const scope: Scope = input.scope ?? 'local';
  if (!trusted && !hasPermission(principal, 'write')) throw new HttpError(403, 'write permission required', 'forbidden');
  const doNormalise = opts.normalise !== false;
  const entity = doNormalise ? normalised(input.entity) : input.entity;
  const source = doNormalise ? normalised(input.source) : input.source;
  const garden = input.garden_id ? resolveGarden(deps, principal, input.garden_id, scope, trusted) : null;
  if (!trusted && value.interpretAs === 'instruction' && !hasPermission(principal, 'instruction:write')) {
    throw new HttpError(403, { code: 'instruction_write_required', message: 'writing instruction-typed facts requires instruction:write permission' }, 'instruction_write_required');
  }
  const cid = opts.cid ?? computeCid({ entity, relation: input.relation, valueType: value.type, valueV: value.valueV, source, scope, confidence });
  const ctx = writeContext(deps, principal.entityUri);
  return inWriteTransaction(ctx, () => {
    const existing = factRowByTripleCid(deps.db, { entity, relation: input.relation, scope, cid }) ?? (opts.id ? factRowById(deps.db, opts.id) : undefined);
    if (existing) {
      // The CID ignores gardens: never hand a garden's record to someone outside it.
      if (!trusted && existing.garden_id !== null && !canReadGarden(deps.db, principal, existing.garden_id)) {
        throw conflict({ code: 'fact_exists', message: 'an identical fact already exists in a garden you cannot read' }, 'fact_exists');
      }
      return { record: toWireRecord(existing), created: false, conflictIds: [] };
    }
    const id = opts.id ?? newFactId(ctx.nowMs);
    insertFactRow(deps.db, {
      id,
      cid,
      entity,
      relation: input.relation,
      valueType: value.type,
      valueV: value.valueV,
      interpretAs: value.interpretAs,
      source,
      timestamp: opts.timestamp ?? ctx.timestamp,
      hlc: opts.hlc ?? ctx.hlc.tick(),
      confidence,
      scope,
      validUntil: input.valid_until ?? null,
      validUntilMs: expiresMs,
      gardenId: garden?.id ?? null,
      receivedFrom: opts.receivedFrom ?? null,
      originNodeId: opts.originNodeId ?? null,
      originAllowedScopes: opts.originAllowedScopes ?? null,
      attestedKeyId: opts.attestedKeyId ?? null,
      attested: null,
      writtenBy: principal.entityUri,
      derivedFrom: encodeJson(input.derived_from ?? []),
      warnings: relationWarnings(input.relation),
      sourceTrust: opts.sourceTrust ?? null,
      quarantineGardenId: opts.quarantineGardenId ?? null,
      quarantineReason: opts.quarantineReason ?? null,
    });
    const row = factRowById(deps.db, id)!;
    const isBookkeeping = isSystemName(entity) || isSystemName(input.relation);
    let conflictIds: string[] = [];
    if (!isBookkeeping && row.quarantine_garden_id === null) {
      if (confidence === 0) closeConflictsOfRetracted(ctx, row);
      else conflictIds = recordContradictions(ctx, row);
    }
    const fresh = conflictIds.length > 0 ? factRowById(deps.db, id)! : row;
    // A token write scored at arrival reports its effective confidence as reads do; local writes have none.
    const effectiveConfidence = fresh.source_trust === null ? null : liveEffectiveConfidence(deps)(fresh);
    return { record: toWireRecord(fresh, { effectiveConfidence }), created: true, conflictIds };
  });
}

/** The served record of a fact by id, or undefined (no ACL: callers check visibility). */
export function factRecordById(deps: Pick<NodeDeps, 'db'>, id: string): WireFactRecord | undefined {
  const row = factRowById(deps.db, id);
  return row ? toWireRecord(row) : undefined;
}
