// The Keys screen's operations: the node's public identity with a QR code of its public bundle, the ceremony record
// verified line by line, and a passphrase-sealed backup of the identity key through the ceremony's own backup step.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import QRCode from 'qrcode';
import {
  MAX_LISTED_CEREMONY_STEPS,
  MIN_DUAL_TRUST_DAYS,
  type BackupDone,
  type CeremonyRecordState,
  type IdentityOverview,
  type QrGrid,
  type RotateKeyInput,
  type RotationDone,
} from '../../../shared/identity.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { recordAudit } from '../audit/log.js';
import { backupIdentity } from '../ceremony/backup.js';
import { parseBackupFile, readBackupFile } from '../ceremony/backupFile.js';
import { ceremonyRecordPath, dataDirOf, hasConfiguredKey, keySummary } from '../ceremony/folder.js';
import { publicBundle } from '../ceremony/qr.js';
import { verifyCeremonyRecordFile } from '../ceremony/record.js';
import type { NodeConfig } from '../config/env.js';
import { normaliseKey } from '../crypto/base64url.js';
import type { KeyLoadOptions } from '../identity/keys.js';
import { currentStoredManifests } from '../rotation/plan.js';
import { rotateIdentityKey } from '../rotation/rotate.js';
import type { NodeDeps } from '../server/deps.js';
import { withValidArgument } from './validArgument.js';

const isInMemory = (deps: NodeDeps): boolean => deps.config.dbPath === ':memory:';

const ENVIRONMENT_KEY = 'The key comes from the environment (STIGMEM_NODE_PRIVATE_KEY, its _FILE form or the federation pair)';

/** Why this node's key cannot be backed up from here, or null when it can. */
function backupRefusal(deps: NodeDeps): string | null {
  if (isInMemory(deps)) return 'This node keeps no data folder (STIGMEM_DB_PATH=:memory:), so its key is not stored anywhere to back up.';
  if (hasConfiguredKey(deps.config)) return `${ENVIRONMENT_KEY}: back up that source instead.`;
  return null;
}

/** Why this node's key cannot be rotated now, or null when it can (a rotation re-signs the published manifest). */
function rotationBlocker(deps: NodeDeps): string | null {
  if (isInMemory(deps)) return 'This node keeps no data folder (STIGMEM_DB_PATH=:memory:), so its key is not stored anywhere to rotate.';
  if (hasConfiguredKey(deps.config)) return `${ENVIRONMENT_KEY}: rotate it where it is kept.`;
  const own = currentStoredManifests(deps.db).some((m) => normaliseKey(m.public_key) === deps.keys.org.publicKey);
  return own ? null : 'Publish the org manifest first (the Manifest screen): the rotation re-signs it with the new key, which is how peers follow the change.';
}

function qrOf(text: string): QrGrid {
  // Medium error correction, as the ceremony's QR files: scannable from a screen or a printout.
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  let bits = '';
  for (let i = 0; i < modules.size * modules.size; i++) bits += modules.data[i] ? '1' : '0';
  return { size: modules.size, modules: bits, text };
}

function recordState(deps: NodeDeps): CeremonyRecordState {
  const path = ceremonyRecordPath(deps.config);
  if (isInMemory(deps) || !existsSync(path)) return { state: 'absent', path };
  const v = verifyCeremonyRecordFile(path);
  if (!v.ok) return { state: 'invalid', path, problems: v.error.message };
  return { state: 'verified', path, lines: v.value.lines, steps: v.value.steps.slice(-MAX_LISTED_CEREMONY_STEPS).reverse(), notes: v.value.notes };
}

/** The newest backup of this very key in the record; only a signed line counts (an altered record vouches for none). */
function lastBackupAt(deps: NodeDeps, record: CeremonyRecordState): string | null {
  return record.state === 'verified' ? (record.steps.find((st) => st.step === 'backup' && st.keyId === deps.keys.org.keyId)?.at ?? null) : null;
}

/** For the Overview: can the key be backed up here, and when was it last. */
export function keyBackupStatus(deps: NodeDeps): { isPossible: boolean; lastAt: string | null } {
  const isPossible = backupRefusal(deps) === null;
  return { isPossible, lastAt: isPossible ? lastBackupAt(deps, recordState(deps)) : null };
}

function overview(deps: NodeDeps): IdentityOverview {
  const org = deps.keys.org;
  const refusal = backupRefusal(deps);
  const blocker = rotationBlocker(deps);
  const day = new Date(deps.clock.nowMs()).toISOString().slice(0, 10);
  const record = recordState(deps);
  const lastAt = lastBackupAt(deps, record);
  return {
    entityUri: deps.orgEntityUri, nodeId: deps.nodeId, ...keySummary(org), keyCustody: org.custody,
    backup: { isPossible: refusal === null, whyNot: refusal, suggestedPath: isInMemory(deps) ? '' : join(dataDirOf(deps.config), `org-key-${day}.backup`), lastAt },
    rotation: { isPossible: blocker === null, whyNot: blocker },
    qr: qrOf(JSON.stringify(publicBundle(deps.nodeId, org.publicKey, org.keyId, deps.orgEntityUri))),
    record,
  };
}

/** An existing file is replaced only when it is itself a Stigmem identity backup, whatever the caller asked. */
function overwriteRefusal(path: string): Result<never> | null {
  if (!existsSync(path)) return null;
  try {
    parseBackupFile(readBackupFile(path).text);
    return null;
  } catch {
    return fail('file_exists', `${path} exists and is not a Stigmem identity backup, so it is never replaced; choose another name`);
  }
}

async function backup(deps: NodeDeps, path: string, passphrase: string, overwrite: boolean): Promise<Result<BackupDone>> {
  const refusal = backupRefusal(deps);
  if (refusal !== null) return fail('configured_key', refusal);
  if (!isAbsolute(path)) return fail('validation_failed', `give the backup file's full path (${path} is relative)`);
  const notReplaceable = overwrite ? overwriteRefusal(path) : null;
  if (notReplaceable) return notReplaceable;
  const r = await backupIdentity({ config: deps.config, keys: deps.keyOptions, clock: deps.clock, outPath: path, passphrase, force: overwrite });
  if (!r.ok) {
    if (r.error.code === 'file_exists') return fail('file_exists', `${path} already exists; choose another name, or ask to replace it`);
    return r;
  }
  const v = r.value;
  recordAudit(deps.db, { category: 'identity', eventType: 'identity_backup', actor: deps.orgEntityUri, subject: v.keyId, detail: { path: v.path, sha256: v.sha256 } }, deps.clock.nowMs());
  return ok({ path: v.path, sha256: v.sha256, createdAt: v.createdAt, keyId: v.keyId, fingerprint: v.fingerprint, recordPath: v.recordPath });
}

/**
 * Whether this node's key may be rotated as asked, checked while it still runs (so a refusal never stops it): the
 * entity typed to confirm must be this organisation's, and the key must be the node's own stored key.
 */
export function rotationRefusal(deps: NodeDeps, args: RotateKeyInput): Result<never> | null {
  const blocker = rotationBlocker(deps);
  if (blocker !== null) return fail(isInMemory(deps) || hasConfiguredKey(deps.config) ? 'configured_key' : 'manifest_missing', blocker);
  if (args.confirmEntity !== deps.orgEntityUri) return fail('validation_failed', `type ${deps.orgEntityUri} exactly to confirm the rotation`);
  return null;
}

/** Rotate the key of the stopped node on `config` (the CLI's rotate-key service), as the Keys screen shows it. */
export async function rotateStoppedNode(config: NodeConfig, keyOptions: KeyLoadOptions | undefined): Promise<Result<RotationDone>> {
  const r = await rotateIdentityKey({ config, keys: keyOptions, dualTrustDays: MIN_DUAL_TRUST_DAYS });
  if (!r.ok) return r;
  const v = r.value;
  return ok({
    previous: { keyId: v.previous.keyId, fingerprint: v.previous.fingerprint }, current: { keyId: v.current.keyId, fingerprint: v.current.fingerprint },
    rotatedAt: v.rotatedAt, dualTrustExpiresAt: v.dualTrustExpiresAt, manifestsResigned: v.manifests.map((m) => m.entityUri), recordPath: v.recordPath,
  });
}

/** A rotation needs the node stopped; the desktop does that itself (desktop/nodeHost.ts), a served node cannot. */
const ROTATE_ELSEWHERE = 'rotating the key needs the node stopped: stop `stigmem serve`, run `stigmem identity rotate-key` in its folder, and start it again (the desktop app does this for you)';

export const IDENTITY_HANDLERS = {
  'identity:overview': withValidArgument('identity:overview', (deps) => ok(overview(deps))),
  'identity:backup': withValidArgument('identity:backup', (deps, args) => backup(deps, args.path, args.passphrase, args.overwrite)),
  'identity:rotate': withValidArgument('identity:rotate', (deps, args) => rotationRefusal(deps, args) ?? fail('node_must_stop', ROTATE_ELSEWHERE)),
  // A node that answers has its identity already; only the desktop asks before its first start (desktop/nodeHost.ts).
  'identity:firstRun': withValidArgument('identity:firstRun', () => fail('not_first_run', 'this node already has its identity')),
};
