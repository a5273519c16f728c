// Ceremony and rotation failures as result envelopes with stable codes, so a wizard can say what to do next.
import { ConfigError } from '../config/env.js';
import { DatabaseVersionError } from '../db/connection.js';
import { fail, HttpError, ok, type Result } from '../errors.js';
import { JsonSyntaxError } from '../json/parse.js';
import { SecretStoreError, type SecretStoreErrorCode } from '../secrets/store.js';

export type CeremonyErrorCode =
  | SecretStoreErrorCode
  | 'passphrase_too_weak'
  | 'backup_verify_failed'
  | 'backup_invalid'
  | 'backup_key_mismatch'
  | 'identity_exists'
  | 'no_identity'
  | 'node_id_mismatch'
  | 'key_retired'
  | 'configured_key'
  | 'file_exists'
  | 'file_unreadable'
  | 'invalid_argument'
  | 'config_invalid'
  | 'manifest_invalid'
  | 'manifest_missing'
  | 'manifest_rejected'
  | 'publish_failed'
  | 'proof_invalid'
  | 'record_invalid'
  | 'dual_trust_too_short'
  | 'node_running'
  | 'recently_rotated'
  | 'no_space'
  | 'interrupted';

/** A refusal or failure a ceremony step reports as `{ok: false, error: {code, message}}`. */
export class CeremonyError extends Error {
  constructor(
    readonly code: CeremonyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CeremonyError';
  }
}

const fileErrorCodes = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'ENAMETOOLONG', 'ELOOP']);
/** A full disk, as the file system (ENOSPC, EDQUOT) or SQLite writing a copy (SQLITE_FULL) says it. */
const fullDiskCodes = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** The envelope for a thrown error; an unexpected one (a database or library failure) is `internal_error`. */
export function failureOf(e: unknown): Result<never> {
  if (e instanceof CeremonyError) return fail(e.code, e.message);
  if (e instanceof SecretStoreError) return fail(e.code, e.message);
  if (e instanceof ConfigError || e instanceof DatabaseVersionError) return fail('config_invalid', e.message);
  if (e instanceof HttpError) return fail('manifest_invalid', typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail));
  if (e instanceof JsonSyntaxError) return fail('invalid_argument', `not valid JSON: ${e.message}`);
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'EEXIST') return fail('file_exists', (e as Error).message);
  if (typeof code === 'string' && fullDiskCodes.has(code)) return fail('no_space', `the disk filled up while writing (${(e as Error).message}); free space on that disk or choose another`);
  // The operator chose the path, not its temporary sibling: the message names the path they typed.
  if (typeof code === 'string' && fileErrorCodes.has(code)) return fail('file_unreadable', (e as Error).message.replace(/\.[0-9a-f]{12}\.tmp\b/g, ''));
  return fail('internal_error', e instanceof Error ? e.message : String(e));
}

/** Run a step and return its outcome as an envelope. */
export async function asResult<T>(work: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (e) {
    return failureOf(e);
  }
}
