// Facts routes (REFERENCE-NODE.md §10): assert, query, read by id or CID, verify a CID; conflicts in conflictRoutes.ts.
import type { FastifyRequest } from 'fastify';
import { requirePermission } from '../auth/hook.js';
import type { Principal } from '../auth/permissions.js';
import { isoFromMs } from '../clock.js';
import { badRequest, forbidden, HttpError, notFound, validationError } from '../errors.js';
import { canReadGarden, readableGardenIds } from '../gardens/acl.js';
import type { App, NodeDeps } from '../server/deps.js';
import { cidOfRow, isWellFormedCid, looksLikeCid } from './cid.js';
import { registerConflictRoutes } from './conflictRoutes.js';
import { gardenByRef } from './gardenRef.js';
import { normaliseOrRaw } from './normalise.js';
import { queryFacts } from './query.js';
import { toWireRecord } from './record.js';
import { factRowByCid, factRowById, type FactRow } from './repo.js';
import {
  AssertBodySchema,
  errorResponses,
  FactIdParamsSchema,
  FactListSchema,
  FactQuerySchema,
  FactRecordSchema,
  VerifyCidBodySchema,
  VerifyCidResponseSchema,
} from './schemas.js';
import { attestationChains } from '../provenance/store.js';
import { postFact } from '../provenance/write.js';
import { quarantinedFactsPage } from '../quarantine/factPage.js';
import { liveEffectiveConfidence } from '../trust/live.js';
import { isScope, parseIsoDatetimeMs, SCOPES } from './values.js';

const MAX_SESSION_ID_CHARS = 128;

function checkSessionHeader(req: FastifyRequest): void {
  const session = req.headers['stigmem-session'];
  if (typeof session === 'string' && session.length > MAX_SESSION_ID_CHARS) {
    throw badRequest({ code: 'session_id_too_long', message: `Stigmem-Session must be at most ${MAX_SESSION_ID_CHARS} characters` }, 'session_id_too_long');
  }
}

/** A fact by id or CID that the caller may read; 400/403/404 otherwise. */
function readableFactRow(deps: NodeDeps, principal: Principal, ref: string): FactRow {
  let row: FactRow | undefined;
  if (looksLikeCid(ref)) {
    if (!isWellFormedCid(ref)) throw badRequest({ code: 'cid_malformed', message: "CID must be 'sha256:' followed by 64 hex chars" }, 'cid_malformed');
    row = factRowByCid(deps.db, ref);
  } else row = factRowById(deps.db, ref);
  if (!row) throw notFound('fact not found');
  if (row.garden_id !== null && !canReadGarden(deps.db, principal, row.garden_id)) throw forbidden('not a member of this garden');
  return row;
}

const scopeDetail = `scope must be one of {${SCOPES.map((s) => `'${s}'`).join(', ')}}`;

/** Empty query values mean "no filter", as in the reference. */
const given = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

export function registerFacts(app: App, deps: NodeDeps): void {
  app.post('/v1/facts', {
    schema: { tags: ['facts'], summary: 'Assert a fact', body: AssertBodySchema, response: { 201: FactRecordSchema, ...errorResponses } },
  }, async (req, reply) => {
    checkSessionHeader(req);
    const principal = requirePermission(req, 'write');
    return reply.code(201).send(postFact(deps, principal, req.body));
  });

  app.get('/v1/facts', {
    schema: { tags: ['facts'], summary: 'Query facts (newest first)', querystring: FactQuerySchema, response: { 200: FactListSchema, ...errorResponses } },
  }, async (req, reply) => {
    const principal = requirePermission(req, 'read');
    const q = req.query;
    const scope = given(q.scope);
    if (scope !== undefined && !isScope(scope)) throw badRequest(scopeDetail, 'invalid_scope');
    let gardenId: string | undefined;
    const gardenRef = given(q.garden_id);
    if (gardenRef !== undefined) {
      const garden = gardenByRef(deps.db, gardenRef);
      if (!garden) throw notFound('garden not found');
      if (!canReadGarden(deps.db, principal, garden.id)) throw forbidden('not a member of this garden');
      gardenId = garden.id;
    }
    let after: string | undefined;
    const afterText = given(q.after);
    if (afterText !== undefined) {
      const ms = parseIsoDatetimeMs(afterText.replace(/ (\d{2}:?\d{2})$/, '+$1'));
      if (ms === null) throw validationError([{ type: 'value_error', loc: ['query', 'after'], msg: 'after must be an ISO 8601 timestamp' }]);
      after = isoFromMs(ms);
    }
    const entity = given(q.entity);
    const source = given(q.source);
    // `garden=quarantine` is the runbook's quarantine listing; anything else is a standard query.
    const page = quarantinedFactsPage(deps.db, principal, q as Record<string, unknown>) ?? queryFacts(deps.db, {
      entity: entity === undefined ? undefined : normaliseOrRaw(entity),
      relation: given(q.relation),
      source: source === undefined ? undefined : normaliseOrRaw(source),
      scope,
      minConfidence: q.min_confidence ?? 0,
      includeContradicted: q.include_contradicted ?? false,
      includeExpired: q.include_expired ?? false,
      includeRetracted: q.include_retracted ?? false,
      after,
      gardenId,
      readableGardenIds: readableGardenIds(deps.db, principal),
      nowMs: deps.clock.nowMs(),
    }, { limit: q.limit ?? 50, cursor: given(q.cursor) });
    reply.header('X-Total-Count', String(page.total));
    const chains = attestationChains(deps.db, page.rows.map((r) => r.id));
    const effective = liveEffectiveConfidence(deps);
    return { facts: page.rows.map((r) => toWireRecord(r, { attestationChain: chains.get(r.id), effectiveConfidence: effective(r) })), total: page.total, cursor: page.cursor, tombstone_notices: [] };
  });

  app.get('/v1/facts/:fact_id', {
    schema: { tags: ['facts'], summary: 'A fact by id or CID', params: FactIdParamsSchema, response: { 200: FactRecordSchema, ...errorResponses } },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    const row = readableFactRow(deps, principal, req.params.fact_id);
    const computed = cidOfRow(row);
    if (computed !== row.cid) {
      throw new HttpError(409, { code: 'cid_mismatch', message: 'stored CID does not match the fact content', stored_cid: row.cid, computed_cid: computed }, 'cid_mismatch');
    }
    return toWireRecord(row, { attestationChain: attestationChains(deps.db, [row.id]).get(row.id), effectiveConfidence: liveEffectiveConfidence(deps)(row) });
  });

  app.post('/v1/facts/:fact_id/verify-cid', {
    schema: { tags: ['facts'], summary: "Recompute a fact's CID", params: FactIdParamsSchema, body: VerifyCidBodySchema, response: { 200: VerifyCidResponseSchema, ...errorResponses } },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    const row = readableFactRow(deps, principal, req.params.fact_id);
    const computed = cidOfRow(row);
    const claimed = req.body?.cid ?? null;
    let reason: string | null = null;
    if (computed !== row.cid) reason = 'stored_cid does not match computed_cid';
    else if (claimed !== null && claimed !== computed) reason = 'supplied cid does not match computed_cid';
    return { cid_valid: reason === null, computed_cid: computed, stored_cid: row.cid, mismatch_reason: reason };
  });

  registerConflictRoutes(app, deps);
}
