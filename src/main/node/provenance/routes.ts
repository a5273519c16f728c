// GET /v1/facts/{id}/provenance for anyone who may read the fact (members of the garden it is shown in; admins).
import { Type } from 'typebox';
import { requirePermission } from '../auth/hook.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { isWellFormedCid, looksLikeCid } from '../facts/cid.js';
import { factRowByCid, factRowById } from '../facts/repo.js';
import { canReadGarden } from '../gardens/acl.js';
import type { App, NodeDeps } from '../server/deps.js';
import { provenanceReport } from './report.js';

const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.Optional(Type.String()) });

export function registerProvenanceRoutes(app: App, deps: NodeDeps): void {
  app.get('/v1/facts/:fact_id/provenance', {
    schema: {
      tags: ['facts'], summary: "A fact's provenance: its attestation chain checked against manifests held here, token, peer and decisions",
      params: Type.Object({ fact_id: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: { 200: Type.Object({ fact_id: Type.String(), attestations: Type.Array(Type.Unknown()) }, { additionalProperties: true }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const principal = requirePermission(req, 'read');
    const ref = req.params.fact_id;
    if (looksLikeCid(ref) && !isWellFormedCid(ref)) throw badRequest({ code: 'cid_malformed', message: "CID must be 'sha256:' followed by 64 hex chars" }, 'cid_malformed');
    const row = looksLikeCid(ref) ? factRowByCid(deps.db, ref) : factRowById(deps.db, ref);
    if (!row) throw notFound('fact not found');
    // garden_id is the garden the fact is shown in: its quarantine garden until a moderator promotes it.
    if (row.garden_id !== null && !canReadGarden(deps.db, principal, row.garden_id)) throw forbidden('not a member of this garden');
    return provenanceReport(deps, row);
  });
}
