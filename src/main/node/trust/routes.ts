// Trust-score routes (runbook Step 6): GET /v1/federation/trust-scores lists overrides and recently seen sources with
// the formula's parts; PUT / DELETE /v1/federation/trust-scores/{source} set and remove an operator override.
import type { FastifyRequest } from 'fastify';
import { requirePermission } from '../auth/hook.js';
import { unprocessable } from '../errors.js';
import { pyFloat } from '../json/pyjson.js';
import type { App, NodeDeps } from '../server/deps.js';
import { normaliseSourceKey } from './prefix.js';
import { errors, OverrideRecord, PutScoreBody, ScoreEntry, ScoreList, SourceParams, TrustListQuery, TrustOneQuery } from './schemas.js';
import { BAD_SOURCE, listedScores, removeOverride, scoreOf, setOverride, type SourceScore } from './service.js';
import { seenSource, type TrustOverrideRow } from './store.js';

const TAGS = ['trust'];
const ADMIN_REQUIRED = 'admin permission required';

const needsAdmin = async (req: FastifyRequest): Promise<void> => {
  requirePermission(req, 'admin', ADMIN_REQUIRED);
};

const overrideRecord = (o: TrustOverrideRow) => ({ source: o.source, score: pyFloat(o.score), origin: 'override' as const, note: o.note, set_by: o.set_by, set_at: o.set_at });

export function registerTrustRoutes(app: App, deps: NodeDeps): void {
  const { db } = deps;

  /** A source as the node would score a fact from it now: the score used, how it was reached, and the formula's parts. */
  const wire = (t: SourceScore) => ({
    source: t.source,
    score: pyFloat(t.score),
    origin: t.origin,
    override: t.override ? overrideRecord(t.override) : null,
    computed_score: pyFloat(t.computed),
    parts: {
      identity: pyFloat(t.parts.identity), peer_history: pyFloat(t.parts.peer_history),
      scope_authority: pyFloat(t.parts.scope_authority), attestation_mode: pyFloat(t.parts.attestation_mode),
    },
    verified_identity: t.isVerified,
    scope: t.scope,
    below_threshold: t.isBelowThreshold,
    last_seen_at: t.lastSeenAt,
    facts_seen: t.factsSeen,
  });

  const settings = () => ({
    trust_mode: deps.config.trustMode,
    quarantine_threshold: pyFloat(deps.config.quarantineThreshold),
    weights: Object.fromEntries(Object.entries(deps.config.trustWeights).map(([k, v]) => [k, pyFloat(v)])),
  });

  app.get('/v1/federation/trust-scores', {
    schema: { tags: TAGS, summary: 'Trust scores: overrides and recently seen sources', querystring: TrustListQuery, response: { 200: ScoreList, ...errors(401, 403, 422) } },
  }, async (req) => {
    requirePermission(req, 'read');
    return { scores: listedScores(deps, req.query.limit ?? 100).map(wire), ...settings() };
  });

  app.get('/v1/federation/trust-scores/*', {
    schema: {
      tags: TAGS, summary: 'How one source scores now (as a fact from it would)', params: SourceParams, querystring: TrustOneQuery,
      response: { 200: ScoreEntry, ...errors(401, 403, 422) },
    },
  }, async (req) => {
    requirePermission(req, 'read');
    const raw = req.params['*'];
    if (normaliseSourceKey(raw) === null) throw unprocessable(BAD_SOURCE, 'invalid_source');
    return { ...wire(scoreOf(deps, raw, seenSource(db, raw), { scope: req.query.scope, via: req.query.via })), ...settings() };
  });

  app.put('/v1/federation/trust-scores/*', {
    preValidation: needsAdmin,
    schema: {
      tags: TAGS, summary: 'Set an operator trust score for a source or prefix (admin)', params: SourceParams, body: PutScoreBody,
      response: { 200: OverrideRecord, ...errors(401, 403, 422) },
    },
  }, async (req) => {
    const who = requirePermission(req, 'admin', ADMIN_REQUIRED);
    return overrideRecord(setOverride(deps, req.params['*'], req.body.score, req.body.note ?? null, who.entityUri));
  });

  app.delete('/v1/federation/trust-scores/*', {
    preValidation: needsAdmin,
    schema: { tags: TAGS, summary: 'Remove an operator trust score (admin)', params: SourceParams, response: { 204: { type: 'null' }, ...errors(401, 403, 404, 422) } },
  }, async (req, reply) => {
    const who = requirePermission(req, 'admin', ADMIN_REQUIRED);
    removeOverride(deps, req.params['*'], who.entityUri);
    return reply.code(204).send(null);
  });
}
