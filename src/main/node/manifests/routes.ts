// Org manifests: PUT /v1/federation/manifest (admin), GET /v1/federation/manifest/{entity} and
// /.well-known/stigmem-manifest.json (public documents), plus the transparency log they are published to.
import { requirePermission } from '../auth/hook.js';
import { HttpError, notFound } from '../errors.js';
import type { ReadDb } from '../db/sql.js';
import type { App, NodeDeps } from '../server/deps.js';
import { registerTransparency } from '../transparency/routes.js';
import { logEntryAt, type LogEntry } from '../transparency/store.js';
import { publicationLimiter, publishManifest } from './publish.js';
import type { ManifestDocument } from './signing.js';
import { ErrorBody, ManifestParams, ManifestPutBody, ManifestPutResult, ManifestRecord } from './schemas.js';
import { manifestCovering, ownManifest, type StoredManifest } from './store.js';

const TAGS = ['manifests'];
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
/** The body schema documents the shape; input.ts enforces it so the checks keep the reference's order and details. */
const documentOnly = () => () => true;

/** Python's urllib.parse.unquote: %XX runs decode as UTF-8 with replacement; anything else stays as written. */
export function unquote(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/** A stored manifest as served: the signed document, manifest_version when given, and a proof against the current tree. */
function manifestView(db: ReadDb, row: StoredManifest): ManifestDocument & { manifest_version?: number; log_entry: LogEntry } {
  const document = JSON.parse(row.document) as ManifestDocument;
  const logEntry = logEntryAt(db, row.log_index);
  if (!logEntry) throw new HttpError(500, 'the transparency log entry of a stored manifest is missing');
  return {
    ...document,
    ...(row.manifest_version !== null ? { manifest_version: row.manifest_version } : {}),
    log_entry: logEntry,
  };
}

export function registerManifests(app: App, deps: NodeDeps): void {
  // Every publication is a leaf of this node's transparency log.
  registerTransparency(app, deps);
  const { db } = deps;
  const limiter = publicationLimiter(deps);

  app.put('/v1/federation/manifest', {
    validatorCompiler: documentOnly,
    schema: {
      tags: TAGS, summary: 'Publish or update an org manifest (admin)', body: ManifestPutBody,
      response: { 200: ManifestPutResult, ...errors(401, 403, 409, 422, 429) },
    },
  }, async (req) => {
    const who = requirePermission(req, 'admin');
    return publishManifest(deps, limiter, req.body as unknown, who.entityUri);
  });

  app.get('/v1/federation/manifest/*', {
    config: { auth: 'public' },
    schema: {
      tags: TAGS, summary: 'The current manifest covering an entity', security: [], params: ManifestParams,
      response: { 200: ManifestRecord, ...errors(404) },
    },
  }, async (req) => {
    const row = manifestCovering(db, unquote(req.params['*']), deps.clock.nowMs());
    if (!row) throw notFound('manifest not found or expired');
    return manifestView(db, row);
  });

  app.get('/.well-known/stigmem-manifest.json', {
    config: { auth: 'public' },
    schema: { tags: ['discovery'], summary: "This node's own signed manifest", security: [], response: { 200: ManifestRecord, ...errors(404) } },
  }, async () => {
    const row = ownManifest(db, deps.orgEntityUri, deps.keys.org.publicKey, deps.clock.nowMs());
    if (!row) throw notFound('this node has not published an unexpired manifest (PUT /v1/federation/manifest)');
    return manifestView(db, row);
  });
}
