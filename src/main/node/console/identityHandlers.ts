// The Keys screen's operations: the node's public identity with a QR code of its public bundle, the ceremony record
// verified line by line, and a passphrase-sealed backup of the identity key through the ceremony's own backup step.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
import { fail, ok, type ContractError, type Result } from '../../../shared/result.js';
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
import { inScreenWords, outputPathRefusal } from './outputFile.js';
import { withValidArgument } from './validArgument.js';

const isInMemory = (deps: NodeDeps): boolean => deps.config.dbPath === ':memory:';

const ENVIRONMENT_KEY = 'The key comes from the environment (STIGMEM_NODE_PRIVATE_KEY, its _FILE form or the federation pair)';

/** Why this node has no stored key to back up or rotate here (no data folder, or a key from the environment), or null. */
function storedKeyRefusal(deps: NodeDeps, action: 'back up' | 'rotate'): string | null {
  if (isInMemory(deps)) return `This node keeps no data folder (STIGMEM_DB_PATH=:memory:), so its key is not stored anywhere to ${action}.`;
  if (hasConfiguredKey(deps.config)) return `${ENVIRONMENT_KEY}: ${action === 'back up' ? 'back up that source instead' : 'rotate it where it is kept'}.`;
  return null;
}

/** Why this node's key cannot be rotated now, or null when it can (a rotation re-signs the published manifest). */
function rotationBlocker(deps: NodeDeps): ContractError | null {
  const refusal = storedKeyRefusal(deps, 'rotate');
  if (refusal !== null) return { code: 'configured_key', message: refusal };
  // An interrupted rotation has no manifest under the new key yet: rotating again finishes it.
  const own = deps.interruptedRotation !== null || currentStoredManifests(deps.db).some((m) => normaliseKey(m.public_key) === deps.keys.org.publicKey);
  return own ? null : { code: 'manifest_missing', message: 'Publish the org manifest first (the Manifest screen): the rotation re-signs it with the new key, which is how peers follow the change.' };
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
  const isPossible = storedKeyRefusal(deps, 'back up') === null;
  return { isPossible, lastAt: isPossible ? lastBackupAt(deps, recordState(deps)) : null };
}

function overview(deps: NodeDeps): IdentityOverview {
  const org = deps.keys.org;
  const refusal = storedKeyRefusal(deps, 'back up');
  const blocker = rotationBlocker(deps);
  const day = new Date(deps.clock.nowMs()).toISOString().slice(0, 10);
  const record = recordState(deps);
  const lastAt = lastBackupAt(deps, record);
  return {
    entityUri: deps.orgEntityUri, nodeId: deps.nodeId, ...keySummary(org), keyCustody: org.custody,
    backup: { isPossible: refusal === null, whyNot: refusal, suggestedPath: isInMemory(deps) ? '' : join(dataDirOf(deps.config), `org-key-${day}.backup`), lastAt },
    rotation: { isPossible: blocker === null, whyNot: blocker?.message ?? null },
    qr: qrOf(JSON.stringify(publicBundle(deps.nodeId, org.publicKey, org.keyId, deps.orgEntityUri))),
    record,
  };
}

function isBackupFile(path: string): boolean {
  try {
    parseBackupFile(readBackupFile(path).text);
    return true;
  } catch {
    return false;
  }
}

async function backup(deps: NodeDeps, path: string, passphrase: string, overwrite: boolean): Promise<Result<BackupDone>> {
  const refusal = storedKeyRefusal(deps, 'back up');
  if (refusal !== null) return fail('configured_key', refusal);
  const pathRefusal = outputPathRefusal(path, overwrite, isBackupFile, 'a Stigmem identity backup');
  if (pathRefusal) return pathRefusal;
  const r = inScreenWords(await backupIdentity({ config: deps.config, keys: deps.keyOptions, clock: deps.clock, outPath: path, passphrase, force: overwrite }), path);
  if (!r.ok) return r;
  const v = r.value;
  return ok({ path: v.path, sha256: v.sha256, createdAt: v.createdAt, keyId: v.keyId, fingerprint: v.fingerprint, recordPath: v.recordPath });
}

/**
 * Whether this node's key may be rotated as asked, checked while it still runs (so a refusal never stops it): the
 * entity typed to confirm must be this organisation's, and the key must be the node's own stored key.
 */
export function rotationRefusal(deps: NodeDeps, args: RotateKeyInput): Result<never> | null {
  const blocker = rotationBlocker(deps);
  if (blocker !== null) return fail(blocker.code, blocker.message);
  if (args.confirmEntity !== deps.orgEntityUri) return fail('validation_failed', `type ${deps.orgEntityUri} exactly to confirm the rotation`);
  return null;
}

/** Rotate the key of the stopped node on `config` (the CLI's rotate-key service), as the Keys screen shows it. */
export async function rotateStoppedNode(config: NodeConfig, keyOptions: KeyLoadOptions | undefined): Promise<Result<RotationDone>> {
  // The Keys screen shows each rotation's outcome as it happens, and asks before each: no rerun of a lost answer here.
  const r = await rotateIdentityKey({ config, keys: keyOptions, dualTrustDays: MIN_DUAL_TRUST_DAYS, again: true });
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
