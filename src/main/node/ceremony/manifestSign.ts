// `manifest sign`: an org manifest signed offline with the key in this folder's store, as a file for PUT /v1/federation/manifest.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Result } from '../errors.js';
import type { Signer } from '../identity/signer.js';
import { parseManifestBody } from '../manifests/input.js';
import { manifestSignatureError, signManifest, type RotationEventDocument } from '../manifests/signing.js';
import { msFromUs, parseIsoTimestamp } from '../manifests/timestamps.js';
import { checkValidityWindow } from '../manifests/validity.js';
import { rotationChainTo } from '../rotation/store.js';
import { asResult, CeremonyError } from './errors.js';
import { writeOutputFile } from './files.js';
import { ceremonyRecordPath, keySummary, loadExistingSigner, nowOf, requireIdentityFolder, withDatabase, type CeremonyContext, type KeySummary } from './folder.js';
import { appendCeremonyRecord } from './record.js';

export const DEFAULT_MANIFEST_VALIDITY = '+365d';

/** The file `manifest sign` writes: the PUT body, with `manifest_version` (accepted, never signed). */
export interface SignedManifestFile {
  manifest_version: 1;
  entity_uri: string;
  key_id: string;
  public_key: string;
  issued_at: string;
  expires_at: string;
  entities: string[];
  rotation_events: RotationEventDocument[];
  signature: string;
}

export interface ManifestFields {
  entityUri: string;
  entities: string[];
  issuedAt: string;
  expiresAt: string;
}

/** Sign the seven fields of REFERENCE-NODE.md §3.2; key_id defaults to the signer's 64-hex id. */
export function buildSignedManifest(signer: Signer, f: ManifestFields, opts: { keyId?: string; rotationEvents?: RotationEventDocument[] } = {}): SignedManifestFile {
  const body = {
    entity_uri: f.entityUri,
    key_id: opts.keyId ?? signer.keyId,
    public_key: signer.publicKey,
    issued_at: f.issuedAt,
    expires_at: f.expiresAt,
    entities: f.entities,
    rotation_events: (opts.rotationEvents ?? []).map((e) => ({ ...e, previous_public_key: e.previous_public_key ?? '' })),
  };
  const signature = signManifest(body, signer);
  return { manifest_version: 1, ...body, rotation_events: opts.rotationEvents ?? [], signature };
}

/** `2026-11-23T17:32:38Z`: what `date -u +%Y-%m-%dT%H:%M:%SZ` prints. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Epoch ms of an ISO timestamp that carries a time and a zone. */
export function timestampMs(text: string, what: string): number {
  const t = parseIsoTimestamp(text);
  if (!t.ok) throw new CeremonyError('invalid_argument', `${what} ${JSON.stringify(text)} is not an ISO 8601 timestamp with a time and a zone (such as 2027-01-01T00:00:00Z)`);
  return msFromUs(t.epochUs);
}

/** `--expires`: an ISO timestamp, or `+<days>d` after issued_at. */
export function resolveExpiry(text: string, issuedAtMs: number): string {
  const relative = /^\+(\d{1,4})d$/.exec(text.trim());
  if (relative) return isoSeconds(issuedAtMs + Number(relative[1]) * 86_400_000);
  timestampMs(text, '--expires');
  return text;
}

/** `A,B , C` → `[A, B, C]`, without blanks or repeats. */
export function entityList(text: string | string[] | undefined, fallback: string): string[] {
  const parts = (Array.isArray(text) ? text : (text ?? '').split(',')).map((e) => e.trim()).filter((e) => e !== '');
  return parts.length === 0 ? [fallback] : [...new Set(parts)];
}

export interface SignOptions extends CeremonyContext {
  entityUri?: string | null;
  /** Comma-separated or a list; default: the entity itself. */
  entities?: string | string[];
  expires?: string;
  issuedAt?: string;
  outPath: string;
  force?: boolean;
}

export interface SignReport extends KeySummary {
  nodeId: string;
  path: string;
  manifest: SignedManifestFile;
  sha256: string;
  recordPath: string;
}

/** Check the document as a node's PUT would (shape, self-signature, validity window) before handing it out. */
function checkAsPublished(doc: SignedManifestFile, nowMs: number, ctx: CeremonyContext): void {
  const input = parseManifestBody(doc as unknown as Record<string, unknown>);
  const error = manifestSignatureError(input);
  if (error) throw new CeremonyError('manifest_invalid', error);
  checkValidityWindow(input, nowMs, ctx.config.trustMode);
}

export function signManifestOffline(opts: SignOptions): Promise<Result<SignReport>> {
  return asResult(async () => {
    const entityUri = opts.entityUri ?? opts.config.entityUri;
    if (!entityUri) throw new CeremonyError('invalid_argument', 'give the organisation entity with --entity URI (or set STIGMEM_ENTITY_URI)');
    const nowMs = nowOf(opts);
    const issuedAt = opts.issuedAt ?? isoSeconds(nowMs);
    const expiresAt = resolveExpiry(opts.expires ?? DEFAULT_MANIFEST_VALIDITY, timestampMs(issuedAt, '--issued-at'));
    const path = resolve(opts.outPath);
    requireIdentityFolder(opts.config);
    return withDatabase(opts.config, async (db) => {
      const { signer, nodeId } = await loadExistingSigner(opts, db);
      // A key that replaced others carries the signed chain, so a node holding an earlier manifest accepts this one.
      const rotationEvents = rotationChainTo(db, signer.publicKey);
      const manifest = buildSignedManifest(signer, { entityUri, entities: entityList(opts.entities, entityUri), issuedAt, expiresAt }, { rotationEvents });
      checkAsPublished(manifest, nowMs, opts);
      const text = JSON.stringify(manifest, null, 2) + '\n';
      writeOutputFile(path, text, 0o644, opts.force === true);
      const sha256 = 'sha256:' + createHash('sha256').update(text).digest('hex');
      const recordPath = ceremonyRecordPath(opts.config);
      appendCeremonyRecord(recordPath, signer, nodeId, 'manifest_sign', nowMs, {
        entity_uri: entityUri, entities: manifest.entities, issued_at: issuedAt, expires_at: expiresAt, manifest_file: path,
        manifest_sha256: sha256, manifest_signature: manifest.signature, rotation_events: rotationEvents.length,
      });
      return { ...keySummary(signer), nodeId, path, manifest, sha256, recordPath };
    });
  });
}
