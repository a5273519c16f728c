// Trust-score routes (runbook Step 6): GET /v1/federation/trust-scores lists overrides and recently seen sources with
// the formula's parts; PUT / DELETE /v1/federation/trust-scores/{source} set and remove an operator override.
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/log.js';
import { requirePermission } from '../auth/hook.js';
import { isoFromMs } from '../clock.js';
import { notFound, unprocessable } from '../errors.js';
import { pyFloat } from '../json/pyjson.js';
import type { App, NodeDeps } from '../server/deps.js';
import { MAX_SOURCE_KEY_CHARS, normaliseSourceKey } from './prefix.js';
import { errors, OverrideRecord, PutScoreBody, ScoreEntry, ScoreList, SourceParams, TrustListQuery, TrustOneQuery } from './schemas.js';
import { scoreSource, type TrustVia } from './score.js';
import { deleteOverride, getOverride, listOverrides, putOverride, recentSources, seenSource, type SeenSourceRow, type TrustOverrideRow } from './store.js';

const TAGS = ['trust'];
const ADMIN_REQUIRED = 'admin permission required';
const BAD_SOURCE = `source must be a source URI or a prefix of one (1 to ${MAX_SOURCE_KEY_CHARS} characters, no control characters)`;

const needsAdmin = async (req: FastifyRequest): Promise<void> => {
  requirePermission(req, 'admin', ADMIN_REQUIRED);
};

function sourceKey(raw: string): string {
  const key = normaliseSourceKey(raw);
  if (key === null) throw unprocessable(BAD_SOURCE, 'invalid_source');
  return key;
}

const overrideRecord = (o: TrustOverrideRow) => ({ source: o.source, score: pyFloat(o.score), origin: 'override' as const, note: o.note, set_by: o.set_by, set_at: o.set_at });

export function registerTrustRoutes(app: App, deps: NodeDeps): void {
  const { db } = deps;

  /** A source as the node would score a fact from it now: the score used, how it was reached, and the formula's parts. */
  const scoreEntry = (source: string, seen: SeenSourceRow | undefined, ask: { scope?: string; via?: TrustVia } = {}) => {
    const scope = ask.scope ?? seen?.scope ?? '';
    const t = scoreSource(deps, { source, scope, via: ask.via ?? seen?.via ?? 'federation' });
    return {
      source,
      score: pyFloat(t.score),
      origin: t.origin,
      override: t.override ? overrideRecord(t.override) : null,
      computed_score: pyFloat(t.computed),
      parts: {
        identity: pyFloat(t.parts.identity), peer_history: pyFloat(t.parts.peer_history),
        scope_authority: pyFloat(t.parts.scope_authority), attestation_mode: pyFloat(t.parts.attestation_mode),
      },
      verified_identity: t.isVerified,
      scope: scope === '' ? null : scope,
      below_threshold: deps.config.trustMode !== 'off' && t.score < deps.config.quarantineThreshold,
      last_seen_at: seen?.last_seen_at ?? null,
      facts_seen: seen?.facts_seen ?? 0,
    };
  };

  const settings = () => ({
    trust_mode: deps.config.trustMode,
    quarantine_threshold: pyFloat(deps.config.quarantineThreshold),
    weights: Object.fromEntries(Object.entries(deps.config.trustWeights).map(([k, v]) => [k, pyFloat(v)])),
  });

  app.get('/v1/federation/trust-scores', {
    schema: { tags: TAGS, summary: 'Trust scores: overrides and recently seen sources', querystring: TrustListQuery, response: { 200: ScoreList, ...errors(401, 403, 422) } },
  }, async (req) => {
    requirePermission(req, 'read');
    const seen = recentSources(db, req.query.limit ?? 100);
    const seenBySource = new Map(seen.map((s) => [s.source, s]));
    const overrides = listOverrides(db);
    const keys = [...overrides.map((o) => o.source), ...seen.map((s) => s.source).filter((s) => !overrides.some((o) => o.source === s))];
    return { scores: keys.map((k) => scoreEntry(k, seenBySource.get(k) ?? seenSource(db, k))), ...settings() };
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
    return { ...scoreEntry(raw, seenSource(db, raw), { scope: req.query.scope, via: req.query.via }), ...settings() };
  });

  app.put('/v1/federation/trust-scores/*', {
    preValidation: needsAdmin,
    schema: {
      tags: TAGS, summary: 'Set an operator trust score for a source or prefix (admin)', params: SourceParams, body: PutScoreBody,
      response: { 200: OverrideRecord, ...errors(401, 403, 422) },
    },
  }, async (req) => {
    const who = requirePermission(req, 'admin', ADMIN_REQUIRED);
    const key = sourceKey(req.params['*']);
    const nowMs = deps.clock.nowMs();
    const row: TrustOverrideRow = { source: key, score: req.body.score, note: req.body.note ?? null, set_by: who.entityUri, set_at: isoFromMs(nowMs) };
    db.transaction(() => {
      const before = getOverride(db, key);
      putOverride(db, row);
      recordAudit(db, { category: 'admin', eventType: 'trust_override_set', actor: who.entityUri, subject: key, detail: { score: row.score, previous: before?.score ?? null } }, nowMs);
    });
    return overrideRecord(row);
  });

  app.delete('/v1/federation/trust-scores/*', {
    preValidation: needsAdmin,
    schema: { tags: TAGS, summary: 'Remove an operator trust score (admin)', params: SourceParams, response: { 204: { type: 'null' }, ...errors(401, 403, 404, 422) } },
  }, async (req, reply) => {
    const who = requirePermission(req, 'admin', ADMIN_REQUIRED);
    const key = sourceKey(req.params['*']);
    const nowMs = deps.clock.nowMs();
    db.transaction(() => {
      const before = getOverride(db, key);
      if (!before || !deleteOverride(db, key)) throw notFound('no trust-score override for this source', 'override_not_found');
      recordAudit(db, { category: 'admin', eventType: 'trust_override_removed', actor: who.entityUri, subject: key, detail: { score: before.score } }, nowMs);
    });
    return reply.code(204).send(null);
  });
}
