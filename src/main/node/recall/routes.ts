// POST /v1/recall: the reference's request and response (RecallResponse with ScoredFact items) plus Spec-07's
// `results` (fact, score, why), `generated_at` and `query`.
import { Type } from 'typebox';
import { requirePermission } from '../auth/hook.js';
import type { App, NodeDeps } from '../server/deps.js';
import { RecallBodySchema, RecallQuerySchema } from './schemas.js';
import { recall } from './service.js';

const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.Optional(Type.String()) });

export function registerRecallRoutes(app: App, deps: NodeDeps): void {
  app.post('/v1/recall', {
    schema: {
      tags: ['recall'], summary: 'Recall the facts most relevant to a query, within a token budget',
      body: RecallBodySchema, querystring: RecallQuerySchema,
      response: { 200: Type.Object({ recall_id: Type.String(), facts: Type.Array(Type.Unknown()), results: Type.Array(Type.Unknown()) }, { additionalProperties: true }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
    },
  }, async (req, reply) => {
    const principal = requirePermission(req, 'read', 'read permission required');
    const result = recall(deps, principal, req.body, { legacyFormat: req.query.legacy_format === true });
    reply.header('X-Total-Count', String(result.total_scored));
    return result;
  });
}
