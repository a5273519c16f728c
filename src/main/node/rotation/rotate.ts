// Key rotation on a stopped node's data folder: a new key in the same store (the old one kept), a rotation event signed
// by the old key, the manifests re-signed by the new key and stored through the PUT path, a key-rotation log entry
// signed by the old key, and the dual-trust window in which the old key's signatures keep verifying.
import { recordAudit } from '../audit/log.js';
import { orgEntityFor } from '../config/orgEntity.js';
import { CeremonyError, asResult } from '../ceremony/errors.js';
import { ceremonyRecordPath, keySummary, nowOf, openOwnKeyStore, requireIdentityFolder, whileNodeStopped, withDatabase, type CeremonyContext, type KeySummary } from '../ceremony/folder.js';
import { buildSignedManifest, isoSeconds, type SignedManifestFile } from '../ceremony/manifestSign.js';
import { parseManifestFile } from '../ceremony/publish.js';
import { appendCeremonyRecord, isoZ } from '../ceremony/record.js';
import type { WriteDb } from '../db/sql.js';
import type { Result } from '../errors.js';
import type { NodeKeys } from '../identity/keys.js';
import type { Signer } from '../identity/signer.js';
import { parseManifestBody } from '../manifests/input.js';
import { publishManifest } from '../manifests/publish.js';
import { RollingWindowLimiter } from '../manifests/rateLimit.js';
import { manifestUpdateError, rotationEventSigningBody } from '../manifests/rotation.js';
import { manifestSignatureError, rotationEventDocument, type RotationEventDocument } from '../manifests/signing.js';
import { latestManifestFor } from '../manifests/store.js';
import { checkValidityWindow, MAX_VALIDITY_DAYS } from '../manifests/validity.js';
import { replaceKey, loadSigner, type KeyReplacement } from '../secrets/identityKeys.js';
import type { SecretStore } from '../secrets/store.js';
import { appendLogEntry, initTransparencyLog, type LogEntry } from '../transparency/store.js';
import { signKeyRotationEntry, type KeyRotationLogEntry } from './logEntry.js';
import { currentStoredManifests, planRotation, type RotationPlan } from './plan.js';
import { DAY_MS, DEFAULT_DUAL_TRUST_DAYS, insertKeyRotation, keyRotations, MAX_DUAL_TRUST_DAYS, MIN_DUAL_TRUST_DAYS } from './store.js';

export const DEFAULT_ROTATED_MANIFEST_DAYS = 365;

export interface RotateOptions extends CeremonyContext {
  /** How long the retired key's signatures keep verifying (at least 90 days, the longest token lifetime). */
  dualTrustDays?: number;
  /** Validity of the re-signed manifests, from the rotation. */
  manifestValidityDays?: number;
  /** The current manifest's text, when this folder stores none signed by its key (an offline workstation). */
  baseManifestText?: string;
  /** Rotate even though the key was rotated within the last hour (a run whose output was lost has already rotated it). */
  again?: boolean;
}

/** A second rotation this soon after one is more likely a rerun of a command whose answer was lost than intended. */
export const RECENT_ROTATION_MS = 60 * 60_000;

function refuseRecentRotation(db: WriteDb, nowMs: number): void {
  const last = keyRotations(db).at(-1);
  if (last === undefined || nowMs - last.rotated_at_ms >= RECENT_ROTATION_MS) return;
  const minutes = Math.max(1, Math.round((nowMs - last.rotated_at_ms) / 60_000));
  throw new CeremonyError('recently_rotated', `the key was already rotated ${minutes} min ago (at ${last.rotated_at}, key id ${last.old_key_id} to ${last.new_key_id}); if a rotation's output was lost, it is done (\`stigmem audit --category identity\` shows it). To rotate once more, pass --again`);
}

export interface RotatedManifest {
  entityUri: string;
  /** The re-signed manifest: the body for PUT /v1/federation/manifest. */
  manifest: SignedManifestFile;
  logEntry: LogEntry;
  rotationEntry: KeyRotationLogEntry;
  rotationLogEntry: LogEntry;
}

export interface RotationReport {
  nodeId: string;
  previous: KeySummary;
  current: KeySummary;
  rotatedAt: string;
  dualTrustDays: number;
  dualTrustExpiresAt: string;
  event: RotationEventDocument;
  manifests: RotatedManifest[];
  keyLocation: string;
  /** True when this finished a rotation whose new key was already stored. */
  isResumed: boolean;
  recordPath: string;
}

function wholeDays(value: number, min: number, max: number, what: string, code: 'dual_trust_too_short' | 'invalid_argument'): number {
  if (!Number.isSafeInteger(value) || value > max) throw new CeremonyError('invalid_argument', `${what} must be a whole number of days up to ${max}`);
  if (value < min) throw new CeremonyError(code, `${what} must be at least ${min} days`);
  return value;
}

function rotationEvent(plan: RotationPlan, rotatedAt: string): RotationEventDocument {
  const four = { previous_key_id: plan.previousKeyId, new_key_id: plan.incoming.keyId, new_public_key: plan.incoming.publicKey, rotated_at: rotatedAt };
  return { ...four, signature: plan.retiring.signB64(rotationEventSigningBody(four)), previous_public_key: plan.retiring.publicKey };
}

/** Each base re-signed by the incoming key with the event appended, checked as the PUT path will check it. */
function resignedManifests(db: WriteDb, plan: RotationPlan, event: RotationEventDocument, nowMs: number, validityDays: number, ctx: CeremonyContext): SignedManifestFile[] {
  return plan.bases.map((base) => {
    const doc = buildSignedManifest(plan.incoming, {
      entityUri: base.entity_uri, entities: base.entities, issuedAt: event.rotated_at, expiresAt: isoSeconds(nowMs + validityDays * DAY_MS),
    }, { rotationEvents: [...base.rotation_events.map(rotationEventDocument), event] });
    const input = parseManifestBody(doc as unknown as Record<string, unknown>);
    const signatureError = manifestSignatureError(input);
    if (signatureError) throw new CeremonyError('manifest_invalid', `the re-signed manifest for ${base.entity_uri} does not verify: ${signatureError}`);
    checkValidityWindow(input, nowMs, ctx.config.trustMode);
    const stored = latestManifestFor(db, base.entity_uri);
    const chainError = stored ? manifestUpdateError(input, stored) : null;
    if (chainError) throw new CeremonyError('manifest_rejected', `the re-signed manifest for ${base.entity_uri} would be refused: ${chainError}`);
    return doc;
  });
}

/** The keys publishManifest sees: the incoming key as the org key (it only self-signs with it, which we never ask). */
function publishingKeys(incoming: Signer, nodeId: string, store: SecretStore, ctx: CeremonyContext): NodeKeys {
  const keyCustody = { backend: store.backend, location: store.describe(nodeId), requested: ctx.config.keyStore, isFallback: false, fallbackReason: null };
  return { federation: incoming, org: incoming, isSplit: false, notices: [], nodeId, keyCustody, isGenerated: false };
}

/** Put the retired key back under the node's account after a failed database write. */
async function undoKeySwitch(store: SecretStore, account: string, replacement: KeyReplacement, cause: unknown): Promise<never> {
  try {
    const old = await store.get(replacement.previousAccount);
    if (old !== null) await store.set(account, old);
    if ((await loadSigner(store, account))?.publicKey === replacement.previous.publicKey) await store.delete(replacement.previousAccount);
  } catch (e) {
    throw new CeremonyError('key_store_io', `the rotation failed (${(cause as Error).message}) and the old key could not be put back (${(e as Error).message}); run rotate-key again to finish it`);
  }
  throw cause;
}

interface Written {
  manifests: RotatedManifest[];
}

function writeRotation(db: WriteDb, plan: RotationPlan, docs: SignedManifestFile[], event: RotationEventDocument, keys: NodeKeys, ctx: CeremonyContext, nowMs: number, dualTrustMs: number): Written {
  const limiter = new RollingWindowLimiter(docs.length + 1, 60_000);
  const publishedBy = orgEntityFor(ctx.config);
  const clock = { nowMs: () => nowMs };
  initTransparencyLog(db, plan.retiring.publicKeyBytes);
  return db.transaction(() => {
    const manifests = docs.map((manifest) => {
      const published = publishManifest({ db, keys, config: ctx.config, clock }, limiter, manifest, publishedBy);
      const rotationEntry = signKeyRotationEntry({
        dual_trust_expires_at: isoZ(dualTrustMs), entity_uri: manifest.entity_uri, event_type: 'key_rotation',
        manifest_log_index: published.log_entry.log_index, new_key_id: plan.incoming.keyId, old_key_id: plan.previousKeyId, rotated_at: event.rotated_at,
      }, plan.retiring);
      const rotationLogEntry = appendLogEntry(db, 'key_rotation', rotationEntry, nowMs);
      return { entityUri: manifest.entity_uri, manifest, logEntry: published.log_entry, rotationEntry, rotationLogEntry };
    });
    insertKeyRotation(db, {
      old_key_id: plan.previousKeyId, old_public_key: plan.retiring.publicKey, new_key_id: plan.incoming.keyId, new_public_key: plan.incoming.publicKey,
      rotated_at: event.rotated_at, rotated_at_ms: nowMs, dual_trust_expires_at: isoZ(dualTrustMs), dual_trust_expires_at_ms: dualTrustMs, event,
    });
    recordAudit(db, { category: 'identity', eventType: 'key_rotated', actor: publishedBy, subject: plan.incoming.keyId, detail: { previous_key_id: plan.previousKeyId, dual_trust_expires_at: isoZ(dualTrustMs), manifests_resigned: manifests.map((m) => m.entityUri) } }, nowMs);
    return { manifests };
  });
}

export function rotateIdentityKey(opts: RotateOptions): Promise<Result<RotationReport>> {
  return asResult(async () => {
    const dualTrustDays = wholeDays(opts.dualTrustDays ?? DEFAULT_DUAL_TRUST_DAYS, MIN_DUAL_TRUST_DAYS, MAX_DUAL_TRUST_DAYS, 'the dual-trust window', 'dual_trust_too_short');
    const validityDays = wholeDays(opts.manifestValidityDays ?? DEFAULT_ROTATED_MANIFEST_DAYS, 1, MAX_VALIDITY_DAYS, 'the manifest validity', 'invalid_argument');
    const fromFile = opts.baseManifestText === undefined ? null : parseManifestFile(opts.baseManifestText);
    requireIdentityFolder(opts.config);
    return whileNodeStopped(opts.config, 'rotate its key', () => withDatabase(opts.config, async (db) => {
      const { store, account, signer } = await openOwnKeyStore(opts, db, 'rotate');
      const nowMs = nowOf(opts);
      const plan = await planRotation(db, store, account, signer, fromFile ? [fromFile] : currentStoredManifests(db));
      if (plan.newSeed !== null && opts.again !== true) {
        try {
          refuseRecentRotation(db, nowOf(opts));
        } catch (e) {
          plan.newSeed.fill(0);
          throw e;
        }
      }
      const event = rotationEvent(plan, isoZ(nowMs));
      const dualTrustMs = nowMs + dualTrustDays * DAY_MS;
      let written: Written;
      try {
        const docs = resignedManifests(db, plan, event, nowMs, validityDays, opts);
        const replacement = plan.newSeed ? await replaceKey(store, account, plan.newSeed) : null;
        const incoming = replacement?.signer ?? plan.incoming;
        try {
          written = writeRotation(db, { ...plan, incoming }, docs, event, publishingKeys(incoming, account, store, opts), opts, nowMs, dualTrustMs);
        } catch (e) {
          if (replacement) await undoKeySwitch(store, account, replacement, e);
          throw e;
        }
      } finally {
        plan.newSeed?.fill(0);
      }
      const recordPath = ceremonyRecordPath(opts.config);
      appendCeremonyRecord(recordPath, plan.incoming, account, 'rotate_key', nowMs, {
        previous_public_key: plan.retiring.publicKey, previous_key_id: plan.previousKeyId, rotation_signature: event.signature, rotated_at: event.rotated_at,
        dual_trust_expires_at: isoZ(dualTrustMs), entities_resigned: written.manifests.map((m) => m.entityUri), key_location: store.describe(account),
      });
      return {
        nodeId: account, previous: keySummary(plan.retiring), current: keySummary(plan.incoming), rotatedAt: event.rotated_at, dualTrustDays,
        dualTrustExpiresAt: isoZ(dualTrustMs), event, manifests: written.manifests, keyLocation: store.describe(account), isResumed: plan.newSeed === null, recordPath,
      };
    }));
  });
}
