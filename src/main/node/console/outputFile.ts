// Files the screens write where the operator says (key backups, signed manifests): a full path, and an existing file
// replaced only when asked and only when it is the same kind of file, so an admin key cannot overwrite anything else.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fail, type Result } from '../../../shared/result.js';

export function outputPathRefusal(path: string, overwrite: boolean, isSameKind: (path: string) => boolean, kind: string): Result<never> | null {
  if (!isAbsolute(path)) return fail('validation_failed', `give the file's full path (${path} is relative)`);
  if (overwrite && existsSync(path) && !isSameKind(path)) return fail('file_exists', `${path} exists and is not ${kind}, so it is never replaced; choose another name`);
  return null;
}

/** The ceremony's own refusal of an existing file names a CLI flag; a screen says it in its own words. */
export function inScreenWords<T>(r: Result<T>, path: string): Result<T> {
  return !r.ok && r.error.code === 'file_exists' ? fail('file_exists', `${path} already exists; choose another name, or ask to replace it`) : r;
}
