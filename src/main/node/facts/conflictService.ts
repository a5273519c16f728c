// GET /v1/conflicts and POST /v1/conflicts/{id}/resolve as functions of the caller and the database.
import type { Principal } from '../auth/permissions.js';
import { recordAudit } from '../audit/log.js';
import { conflict, HttpError, notFound, unprocessable } from '../errors.js';
import { gardenWriteRefusal, readableGardenIds } from '../gardens/acl.js';
import { joinSql, sql, type Sql } from '../db/sql.js';
import type { NodeDeps } from '../server/deps.js';
import { computeCid } from './cid.js';
import { newFactId } from './factId.js';
import { closeConflict, conflictRow, RESOLUTION_ENTITY_PREFIX, type ConflictRow } from './conflicts.js';
import { normaliseOrRaw } from './normalise.js';
import { decodeSeqCursor, encodeSeqCursor } from './query.js';
import { toWireRecord } from './record.js';
import { factRowById, insertFactRow } from './repo.js';
import type { ResolveBody } from './schemas.js';
import { encodeFactValue } from './values.js';
import { insertSystemFact, inWriteTransaction, writeContext } from './writeContext.js';
import { attestationChains } from '../provenance/store.js';
import { liveEffectiveConfidence } from '../trust/live.js';

const CONFLICT_CURSOR_PREFIX = 'c';

/** Conflicts are visible to whoever may read the conflicting facts' garden. */
function visibleClause(principal: Principal, deps: NodeDeps): Sql {
  const readable = readableGardenIds(deps.db, principal);
  if (readable === undefined) return sql`1`;
  return sql`(fa.garden_id IS NULL OR fa.garden_id IN (SELECT value FROM json_each(${JSON.stringify(readable)})))`;
}

export function listConflicts(deps: NodeDeps, principal: Principal, q: { status?: string; cursor?: string; limit: number }) {
  const parts: Sql[] = [visibleClause(principal, deps)];
  if (q.status) parts.push(sql`c.status = ${q.status}`);
  if (q.cursor) parts.push(sql`c.seq < ${decodeSeqCursor(q.cursor, CONFLICT_CURSOR_PREFIX)}`);
  const rows = deps.db.all<ConflictRow>(
    sql`SELECT c.* FROM conflicts c JOIN facts fa ON fa.id = c.fact_a WHERE ${joinSql(parts, ' AND ')} ORDER BY c.seq DESC LIMIT ${q.limit + 1}`,
  );
  const hasMore = rows.length > q.limit;
  const shown = rows.slice(0, q.limit);
  // Each fact as GET /v1/facts/{id} serves it: its attestation chain and its effective confidence too.
  const chains = attestationChains(deps.db, shown.flatMap((c) => [c.fact_a, c.fact_b]));
  const effective = liveEffectiveConfidence(deps);
  const record = (id: string) => {
    const row = factRowById(deps.db, id);
    return row ? toWireRecord(row, { attestationChain: chains.get(id), effectiveConfidence: effective(row) }) : null;
  };
  return {
    conflicts: shown.map((c) => ({
      conflict_id: c.id,
      fact_a: record(c.fact_a),
      fact_b: record(c.fact_b),
      status: c.status,
      resolved_by: c.resolution_fact_id,
      detected_at: c.detected_at,
      resolved_at: c.resolved_at,
      winning_fact_id: c.winning_fact_id,
      resolution_note: c.resolution_note,
    })),
    cursor: hasMore && shown.length > 0 ? encodeSeqCursor(shown[shown.length - 1]!.seq, CONFLICT_CURSOR_PREFIX) : null,
    has_more: hasMore,
  };
}

/** Resolve by naming the winner or a new value; the resolution is a fact under `stigmem:resolution:<conflict id>`. */
export function resolveConflict(deps: NodeDeps, principal: Principal, conflictId: string, body: ResolveBody) {
  const c = conflictRow(deps.db, conflictId);
  const a = c ? factRowById(deps.db, c.fact_a) : undefined;
  const b = c ? factRowById(deps.db, c.fact_b) : undefined;
  const readable = readableGardenIds(deps.db, principal);
  if (!c || !a || !b || (a.garden_id !== null && readable !== undefined && !readable.includes(a.garden_id))) throw notFound('conflict not found');
  if (c.status === 'resolved') throw conflict('conflict already resolved');
  const winnerId = body.winning_fact_id ?? null;
  if (winnerId !== null && winnerId !== a.id && winnerId !== b.id) throw unprocessable('winning_fact_id must be one of the conflicting facts');
  let value: { type: string; valueV: string; interpretAs: string };
  if (body.new_value) value = encodeFactValue(body.new_value, ['body', 'new_value']);
  else if (winnerId !== null) {
    const w = winnerId === a.id ? a : b;
    value = { type: w.value_type, valueV: w.value_v, interpretAs: w.interpret_as };
  } else throw unprocessable('provide winning_fact_id or new_value');
  if (a.garden_id !== null) {
    const refusal = gardenWriteRefusal(deps.db, principal, a.garden_id);
    if (refusal) throw new HttpError(403, refusal, 'forbidden');
  }
  const ctx = writeContext(deps, principal.entityUri);
  const resolutionFactId = newFactId(ctx.nowMs);
  const entity = RESOLUTION_ENTITY_PREFIX + c.id;
  const source = normaliseOrRaw(principal.entityUri);
  inWriteTransaction(ctx, () => {
    insertFactRow(deps.db, {
      id: resolutionFactId,
      cid: computeCid({ entity, relation: a.relation, valueType: value.type, valueV: value.valueV, source, scope: a.scope, confidence: 1 }),
      entity,
      relation: a.relation,
      valueType: value.type,
      valueV: value.valueV,
      interpretAs: value.interpretAs,
      source,
      timestamp: ctx.timestamp,
      hlc: ctx.hlc.tick(),
      confidence: 1,
      scope: a.scope,
      validUntil: null,
      validUntilMs: null,
      gardenId: a.garden_id,
      receivedFrom: null,
      originNodeId: null,
      originAllowedScopes: null,
      attestedKeyId: null,
      attested: null,
      writtenBy: principal.entityUri,
      derivedFrom: JSON.stringify([{ fact_id: a.id, cid: a.cid }, { fact_id: b.id, cid: b.cid }]),
      warnings: [],
      sourceTrust: null,
      quarantineGardenId: null,
      quarantineReason: null,
    });
    insertSystemFact(ctx, { entity: resolutionFactId, relation: 'stigmem:resolves', valueType: 'ref', valueV: c.id, scope: 'local', gardenId: a.garden_id });
    closeConflict(ctx, c, a.garden_id, { winningFactId: winnerId, resolutionFactId, note: body.resolution_note ?? null });
    // Who settled which conflict, and how, is a decision like a quarantine one: it goes in the audit log with it.
    recordAudit(deps.db, {
      category: 'fact', eventType: 'conflict_resolved', actor: principal.entityUri, subject: c.id,
      detail: { fact_a: a.id, fact_b: b.id, winning_fact_id: winnerId, resolution_fact_id: resolutionFactId, new_value: body.new_value !== undefined, note: body.resolution_note ?? null },
    }, ctx.nowMs);
  });
  return { resolution_fact_id: resolutionFactId, conflict_status: 'resolved' as const };
}
