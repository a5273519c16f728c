// The Manifest screen's operations: this node's current org manifest, and publishing a new one signed by the node's
// org key through the same publication as PUT /v1/federation/manifest (checks, transparency log, one quota).
import type { ManifestState } from '../../../shared/manifest.js';
import { ok, type Result } from '../../../shared/result.js';
import { isoSeconds } from '../ceremony/manifestSign.js';
import { SELF_SIGN } from '../manifests/input.js';
import { publicationLimiter, publishManifest } from '../manifests/publish.js';
import { ownManifest } from '../manifests/store.js';
import type { NodeDeps } from '../server/deps.js';
import { refusalsAsEnvelopes } from './refusals.js';
import { withValidArgument } from './validArgument.js';

const DAY_MS = 86_400_000;

interface SignedDocument {
  entities?: string[];
  rotation_events?: unknown[];
}

function manifestState(deps: NodeDeps): ManifestState {
  const org = deps.keys.org;
  const row = ownManifest(deps.db, deps.orgEntityUri, org.publicKey, deps.clock.nowMs());
  const doc = row ? (JSON.parse(row.document) as SignedDocument) : null;
  return {
    entityUri: deps.orgEntityUri, publicKey: org.publicKey, keyId: org.keyId, fingerprint: org.fingerprint,
    current: row && doc ? {
      issuedAt: row.issued_at, expiresAt: row.expires_at, entities: doc.entities ?? [], rotationCount: doc.rotation_events?.length ?? 0,
      logIndex: row.log_index, publishedAt: row.published_at, publishedBy: row.published_by,
    } : null,
  };
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
};
