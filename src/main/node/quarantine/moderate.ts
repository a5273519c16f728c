// Promote or reject a quarantined fact: one decision row and one audit event, in one transaction. A fact already
// decided answers 409; promotion into a garden needs the right to write there.
import { recordAudit } from '../audit/log.js';
import type { Principal } from '../auth/permissions.js';
import { isoFromMs } from '../clock.js';
import { sql, type ReadDb } from '../db/sql.js';
import { conflict, forbidden, notFound, unprocessable } from '../errors.js';
import { closeConflictsOfRetracted, recordContradictions } from '../facts/conflicts.js';
import { gardenByRef } from '../facts/gardenRef.js';
import { isSystemName } from '../facts/normalise.js';
import { factRowById } from '../facts/repo.js';
import { inWriteTransaction, writeContext } from '../facts/writeContext.js';
import { gardenWriteRefusal, type GardenRow } from '../gardens/acl.js';
import { isUniqueViolation } from '../gardens/store.js';
import type { NodeDeps } from '../server/deps.js';
import { decisionFor, insertDecision, type DecisionAction, type DecisionRow } from './decisions.js';

export const NOT_PENDING = 'fact_not_quarantine_pending';

export interface QuarantinedFact {
  id: string;
  quarantine_garden_id: string;
  source: string;
  scope: string;
  received_from: string | null;
}

export function quarantinedFact(db: ReadDb, factId: string): QuarantinedFact | undefined {
  return db.get<QuarantinedFact>(sql`SELECT id, quarantine_garden_id, source, scope, received_from FROM facts
    WHERE id = ${factId} AND quarantine_garden_id IS NOT NULL`);
}

/** The garden a promotion puts the fact in: null for the main fabric; never a quarantine garden. */
export function promotionTarget(deps: Pick<NodeDeps, 'db'>, principal: Principal, ref: string | null | undefined): GardenRow | null {
  if (ref === null || ref === undefined || ref === '') return null;
  const garden = gardenByRef(deps.db, ref);
  if (!garden) throw notFound('target garden not found', 'target_garden_not_found');
  if (garden.quarantine === 1) throw unprocessable('target garden must not be a quarantine garden', 'target_is_quarantine');
  const refusal = gardenWriteRefusal(deps.db, principal, garden.id);
  if (refusal) throw forbidden(refusal);
  return garden;
}

export interface DecisionInput {
  action: DecisionAction;
  target: GardenRow | null;
  reason: string;
}

/** A promoted fact joins recall as a fresh write would: its contradictions are recorded and its retraction applies. */
function joinRecall(deps: Pick<NodeDeps, 'db' | 'clock'>, actor: string, factId: string): void {
  const ctx = writeContext(deps, actor);
  inWriteTransaction(ctx, () => {
    const row = factRowById(deps.db, factId);
    if (!row || isSystemName(row.entity) || isSystemName(row.relation)) return;
    if (row.confidence === 0) closeConflictsOfRetracted(ctx, row);
    else recordContradictions(ctx, row);
  });
}

/** Records the decision (throws 409 when the fact was already decided) and audits it. */
export function decide(deps: Pick<NodeDeps, 'db' | 'clock'>, principal: Principal, fact: QuarantinedFact, input: DecisionInput): DecisionRow {
  const nowMs = deps.clock.nowMs();
  // A garden holds facts of its own scope only, as a direct write into it would be told.
  if (input.action === 'promoted' && input.target !== null && input.target.scope !== fact.scope) {
    throw unprocessable(`scope mismatch: garden scope is '${input.target.scope}' but fact scope is '${fact.scope}'`, 'scope_mismatch');
  }
  return deps.db.transaction(() => {
    if (decisionFor(deps.db, fact.id)) throw conflict(NOT_PENDING, NOT_PENDING);
    let decision: DecisionRow;
    try {
      decision = insertDecision(deps.db, {
        fact_id: fact.id, quarantine_garden_id: fact.quarantine_garden_id, action: input.action, target_garden_id: input.target?.id ?? null,
        reason: input.reason, acted_by: principal.entityUri, acted_at: isoFromMs(nowMs),
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(NOT_PENDING, NOT_PENDING);
      throw e;
    }
    if (input.action === 'promoted') joinRecall(deps, principal.entityUri, fact.id);
    recordAudit(deps.db, {
      category: 'fact', eventType: input.action === 'promoted' ? 'quarantine_promote' : 'quarantine_reject', actor: principal.entityUri, subject: fact.id,
      detail: { quarantine_garden_id: fact.quarantine_garden_id, target_garden_id: decision.target_garden_id, reason: input.reason, source: fact.source },
    }, nowMs);
    return decision;
  });
}

export interface WireDecision {
  fact_id: string;
  action: string;
  target_garden_id?: string | null;
  acted_by: string;
  acted_at: string;
  reason: string;
}

/** The wire result of a decision; `label` is the action word the route reports (the reference's admit says "admitted"). */
export function decisionResult(d: DecisionRow, label: string): WireDecision {
  const tail = { acted_by: d.acted_by, acted_at: d.acted_at, reason: d.reason };
  return d.action === 'promoted' ? { fact_id: d.fact_id, action: label, target_garden_id: d.target_garden_id, ...tail } : { fact_id: d.fact_id, action: label, ...tail };
}
