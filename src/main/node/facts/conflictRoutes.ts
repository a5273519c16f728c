// GET /v1/conflicts and POST /v1/conflicts/{id}/resolve (REFERENCE-NODE.md §10.6).
import { requirePermission } from '../auth/hook.js';
import type { App, NodeDeps } from '../server/deps.js';
import { listConflicts, resolveConflict } from './conflictService.js';
import { ConflictListSchema, ConflictParamsSchema, ConflictQuerySchema, errorResponses, ResolveBodySchema, ResolveResponseSchema } from './schemas.js';

export function registerConflictRoutes(app: App, deps: NodeDeps): void {
  app.get('/v1/conflicts', {
    schema: { tags: ['conflicts'], summary: 'Contradicting fact pairs (newest first)', querystring: ConflictQuerySchema, response: { 200: ConflictListSchema, ...errorResponses } },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    const cursor = req.query.cursor === '' ? undefined : req.query.cursor;
    return listConflicts(deps, principal, { status: req.query.status, cursor, limit: req.query.limit ?? 50 });
  });

  app.post('/v1/conflicts/:conflict_id/resolve', {
    schema: { tags: ['conflicts'], summary: 'Resolve a conflict', params: ConflictParamsSchema, body: ResolveBodySchema, response: { 200: ResolveResponseSchema, ...errorResponses } },
  }, async (req) => {
    const principal = requirePermission(req, 'write');
    return resolveConflict(deps, principal, req.params.conflict_id, req.body);
  });
}
