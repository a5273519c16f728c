// The Manifest screen's operations: this node's current org manifest, and publishing a new one signed by the node's
// org key through the same publication as PUT /v1/federation/manifest (checks, transparency log, one quota).
import { readTextUpTo } from '../boundedRead.js';
import { join } from 'node:path';
import type { ExportedManifest, ExportManifestInput, ManifestState } from '../../../shared/manifest.js';
import { ok, type Result } from '../../../shared/result.js';
import { recordAudit } from '../audit/log.js';
import { dataDirOf } from '../ceremony/folder.js';
import { isoSeconds, signManifestOffline } from '../ceremony/manifestSign.js';
import { SELF_SIGN } from '../manifests/input.js';
import { publicationLimiter, publishManifest } from '../manifests/publish.js';
import { ownManifest } from '../manifests/store.js';
import type { NodeDeps } from '../server/deps.js';
import { inScreenWords, outputPathRefusal } from './outputFile.js';
import { refusalsAsEnvelopes } from './refusals.js';
import { withValidArgument } from './validArgument.js';

const DAY_MS = 86_400_000;

interface SignedDocument {
  entities?: string[];
  rotation_events?: unknown[];
}

function manifestState(deps: NodeDeps): ManifestState {
  const org = deps.keys.org;
  const nowMs = deps.clock.nowMs();
  const row = ownManifest(deps.db, deps.orgEntityUri, org.publicKey, nowMs);
  const doc = row ? (JSON.parse(row.document) as SignedDocument) : null;
  const day = new Date(nowMs).toISOString().slice(0, 10);
  return {
    entityUri: deps.orgEntityUri, publicKey: org.publicKey, keyId: org.keyId, fingerprint: org.fingerprint,
    suggestedExportPath: deps.config.dbPath === ':memory:' ? '' : join(dataDirOf(deps.config), `manifest-${day}.json`),
    current: row && doc ? {
      issuedAt: row.issued_at, expiresAt: row.expires_at, entities: doc.entities ?? [], rotationCount: doc.rotation_events?.length ?? 0,
      logIndex: row.log_index, publishedAt: row.published_at, publishedBy: row.published_by,
    } : null,
  };
}

const MAX_MANIFEST_FILE_BYTES = 1024 * 1024;

function isSignedManifestFile(path: string): boolean {
  try {
    const doc = JSON.parse(readTextUpTo(path, MAX_MANIFEST_FILE_BYTES)) as Record<string, unknown> | null;
    return typeof doc === 'object' && doc !== null && doc['manifest_version'] !== undefined && typeof doc['entity_uri'] === 'string' && typeof doc['signature'] === 'string';
  } catch {
    return false;
  }
}

/** The offline ceremony's `manifest sign` (same checks as a node's PUT, recorded in the ceremony record), audited. */
async function exportManifest(deps: NodeDeps, args: ExportManifestInput): Promise<Result<ExportedManifest>> {
  const { path, overwrite } = args;
  const pathRefusal = outputPathRefusal(path, overwrite, isSignedManifestFile, 'a signed manifest');
  if (pathRefusal) return pathRefusal;
  const signed = await signManifestOffline({
    config: deps.config, keys: deps.keyOptions, clock: deps.clock, entityUri: deps.orgEntityUri, entities: args.entities, expires: `+${args.validDays}d`, outPath: path, force: overwrite,
  });
  const r = inScreenWords(signed, path);
  if (!r.ok) return r;
  const v = r.value;
  recordAudit(deps.db, { category: 'identity', eventType: 'manifest_exported', actor: deps.orgEntityUri, subject: deps.orgEntityUri, detail: { path: v.path, sha256: v.sha256, expires_at: v.manifest.expires_at } }, deps.clock.nowMs());
  return ok({ path: v.path, sha256: v.sha256, entityUri: v.manifest.entity_uri, entities: v.manifest.entities, expiresAt: v.manifest.expires_at, recordPath: v.recordPath });
}

export const MANIFEST_HANDLERS = {
  'manifest:current': withValidArgument('manifest:current', (deps) => ok(manifestState(deps))),
  'manifest:publish': withValidArgument('manifest:publish', (deps, args): Result<ManifestState> => {
    const nowMs = deps.clock.nowMs();
    const current = ownManifest(deps.db, deps.orgEntityUri, deps.keys.org.publicKey, nowMs);
    // A new publication carries the current one's rotation chain, or the node would refuse it as a broken chain.
    const rotationEvents = current ? ((JSON.parse(current.document) as SignedDocument).rotation_events ?? []) : [];
    const body = {
      manifest_version: 1, entity_uri: deps.orgEntityUri, public_key: deps.keys.org.publicKey, key_id: deps.keys.org.keyId, entities: args.entities,
      rotation_events: rotationEvents, issued_at: isoSeconds(nowMs), expires_at: isoSeconds(nowMs + args.validDays * DAY_MS), signature: SELF_SIGN,
    };
    return refusalsAsEnvelopes(() => {
      publishManifest(deps, publicationLimiter(deps), body, deps.orgEntityUri);
      return manifestState(deps);
    });
  }),
  'manifest:export': withValidArgument('manifest:export', (deps, args) => exportManifest(deps, args)),
};
