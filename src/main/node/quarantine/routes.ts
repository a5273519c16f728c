// Quarantine routes: list (GET /v1/quarantine), decide per fact on the garden routes and the reference's
// /v1/quarantine/{id}/admit|reject, and the runbook's batch POST /v1/federation/quarantine/promote.
import type { FastifyRequest } from 'fastify';
import { requirePermission } from '../auth/hook.js';
import type { Principal } from '../auth/permissions.js';
import { conflict, forbidden, HttpError, notFound, unprocessable } from '../errors.js';
import { gardenByRef } from '../facts/gardenRef.js';
import type { GardenRow } from '../gardens/acl.js';
import type { App, NodeDeps } from '../server/deps.js';
import { canModerate, listableQuarantineGardens, moderatesAny, MODERATOR_REQUIRED } from './access.js';
import { decisionFor } from './decisions.js';
import { countQuarantined, listQuarantineItems } from './listing.js';
import { decide, decisionResult, NOT_PENDING, promotionTarget, quarantinedFact, type QuarantinedFact } from './moderate.js';
import {
  AdmitQuery, BatchPromoteBody, BatchResult, DecisionResult, errors, FactIdParams, GardenParams, PromoteBody, QuarantineList, QuarantineListQuery,
  RejectBody, RejectQuery,
} from './schemas.js';

const TAGS = ['quarantine'];
/** Empty query values mean "not given", as in the reference. */
const given = (v: string | null | undefined): string | undefined => (v === undefined || v === null || v === '' ? undefined : v);

const authenticated = async (req: FastifyRequest): Promise<void> => {
  requirePermission(req, 'read');
};

export function registerQuarantineRoutes(app: App, deps: NodeDeps): void {
  const { db } = deps;

  const requirePending = (fact: QuarantinedFact): void => {
    if (decisionFor(db, fact.id)) throw conflict(NOT_PENDING, NOT_PENDING);
  };

  /** A fact the caller may decide, addressed by id alone; facts in gardens the caller does not moderate stay unseen. */
  const moderatableFact = (principal: Principal, factId: string): QuarantinedFact => {
    if (!moderatesAny(db, principal)) throw forbidden(MODERATOR_REQUIRED);
    const fact = quarantinedFact(db, factId);
    if (!fact || !canModerate(db, principal, fact.quarantine_garden_id)) throw notFound('quarantined fact not found', 'quarantined_fact_not_found');
    return fact;
  };

  /** The garden routes' checks, in the reference's order: 404, 422, 403, then the fact in that garden. */
  const factInModeratedGarden = (principal: Principal, gardenRef: string, factId: string): QuarantinedFact => {
    const garden: GardenRow | undefined = gardenByRef(db, gardenRef);
    if (!garden) throw notFound('garden not found');
    if (garden.quarantine !== 1) throw unprocessable('this endpoint is only valid for quarantine gardens', 'not_a_quarantine_garden');
    if (!canModerate(db, principal, garden.id)) throw forbidden(MODERATOR_REQUIRED);
    const fact = quarantinedFact(db, factId);
    if (!fact || fact.quarantine_garden_id !== garden.id) throw notFound('fact not found in quarantine garden', 'fact_not_in_quarantine_garden');
    return fact;
  };

  app.get('/v1/quarantine', {
    schema: { tags: TAGS, summary: 'Quarantined facts, newest first', querystring: QuarantineListQuery, response: { 200: QuarantineList, ...errors(401, 403, 404, 422) } },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    const listable = listableQuarantineGardens(db, principal);
    let gardenIds = listable;
    const ref = given(req.query.garden_id);
    if (ref !== undefined) {
      const garden = gardenByRef(db, ref);
      if (!garden) throw notFound('garden not found');
      const isVisible = garden.quarantine === 1 && (listable === undefined || listable.includes(garden.id));
      gardenIds = isVisible ? [garden.id] : [];
    }
    const filter = { gardenIds, status: given(req.query.quarantine_status) ?? null };
    return { items: listQuarantineItems(db, filter, req.query.limit ?? 100, req.query.offset ?? 0), total: countQuarantined(db, filter) };
  });

  app.post('/v1/quarantine/:fact_id/admit', {
    schema: {
      tags: TAGS, summary: 'Admit a quarantined fact (into the main fabric, or a target garden)', params: FactIdParams, querystring: AdmitQuery,
      response: { 200: DecisionResult, ...errors(401, 403, 404, 409, 422) },
    },
  }, async (req) => {
    const principal = requirePermission(req, 'write', 'write permission required');
    const fact = moderatableFact(principal, req.params.fact_id);
    requirePending(fact);
    const target = promotionTarget(deps, principal, given(req.query.target_garden_id));
    const d = decide(deps, principal, fact, { action: 'promoted', target, reason: given(req.query.reason) ?? 'admitted via admin API' });
    return decisionResult(d, 'admitted');
  });

  app.post('/v1/quarantine/:fact_id/reject', {
    schema: {
      tags: TAGS, summary: 'Reject a quarantined fact (kept, reading confidence 0)', params: FactIdParams, querystring: RejectQuery,
      response: { 200: DecisionResult, ...errors(401, 403, 404, 409, 422) },
    },
  }, async (req) => {
    const principal = requirePermission(req, 'write', 'write permission required');
    const fact = moderatableFact(principal, req.params.fact_id);
    const d = decide(deps, principal, fact, { action: 'rejected', target: null, reason: given(req.query.reason) ?? 'rejected via admin API' });
    return decisionResult(d, 'rejected');
  });

  app.post('/v1/gardens/:slug_or_id/promote', {
    preValidation: authenticated,
    schema: {
      tags: TAGS, summary: 'Promote a fact out of this quarantine garden', params: GardenParams, body: PromoteBody,
      response: { 200: DecisionResult, ...errors(401, 403, 404, 409, 422) },
    },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    const fact = factInModeratedGarden(principal, req.params.slug_or_id, req.body.fact_id);
    requirePending(fact);
    const target = promotionTarget(deps, principal, req.body.target_garden_id);
    const d = decide(deps, principal, fact, { action: 'promoted', target, reason: given(req.body.reason) ?? 'promoted' });
    return decisionResult(d, 'promoted');
  });

  app.post('/v1/gardens/:slug_or_id/reject', {
    preValidation: authenticated,
    schema: {
      tags: TAGS, summary: 'Reject a fact held in this quarantine garden', params: GardenParams, body: RejectBody,
      response: { 200: DecisionResult, ...errors(401, 403, 404, 409, 422) },
    },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    const fact = factInModeratedGarden(principal, req.params.slug_or_id, req.body.fact_id);
    const d = decide(deps, principal, fact, { action: 'rejected', target: null, reason: given(req.body.reason) ?? 'rejected' });
    return decisionResult(d, 'rejected');
  });

  app.post('/v1/federation/quarantine/promote', {
    preValidation: authenticated,
    schema: {
      tags: TAGS, summary: 'Promote several quarantined facts (into the main fabric unless a target garden is named)', body: BatchPromoteBody,
      response: { 200: BatchResult, ...errors(401, 403, 404, 422) },
    },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    if (!moderatesAny(db, principal)) throw forbidden(MODERATOR_REQUIRED);
    const target = promotionTarget(deps, principal, req.body.target_garden_id);
    const reason = given(req.body.reason) ?? 'promoted';
    // One transaction for the batch; each fact decides (or fails) on its own savepoint.
    const results = db.transaction(() => req.body.fact_ids.map((factId) => {
      const fact = quarantinedFact(db, factId);
      if (!fact || !canModerate(db, principal, fact.quarantine_garden_id)) {
        return { fact_id: factId, error: { status: 404, detail: 'quarantined fact not found', code: 'quarantined_fact_not_found' } };
      }
      try {
        return decisionResult(decide(deps, principal, fact, { action: 'promoted', target, reason }), 'promoted');
      } catch (e) {
        if (e instanceof HttpError) return { fact_id: factId, error: { status: e.status, detail: e.detail, code: e.code } };
        throw e;
      }
    }));
    const failed = results.filter((r) => 'error' in r).length;
    return { results, promoted: results.length - failed, failed };
  });
}
