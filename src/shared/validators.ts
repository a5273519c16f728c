// Argument validators: every argument arriving over IPC or HTTP is `unknown` until one of these accepts it.
import { fail, ok, type Result } from './result.js';

export const DEFAULT_RECENT_FACTS_LIMIT = 25;
export const MAX_RECENT_FACTS_LIMIT = 200;

export interface RecentFactsQuery {
  limit: number;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Own keys not in `allowed` (JSON.parse makes `__proto__` an own key, so it is caught here too). */
export function unexpectedKeys(x: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(x).filter((k) => !allowed.includes(k));
}

/** A plain object with no field outside `allowed`; `example` shows the caller the expected shape. */
export function objectWith(arg: unknown, allowed: readonly string[], example: string): Result<Record<string, unknown>> {
  if (!isPlainObject(arg)) return fail('validation_failed', `expected an object like ${example}`);
  const extra = unexpectedKeys(arg, allowed)[0];
  return extra === undefined ? ok(arg) : fail('validation_failed', `unexpected field ${JSON.stringify(extra.slice(0, 40))}`);
}

export const MAX_FILE_PATH_LENGTH = 4096;

/** A file path the operator typed (a backup, a signed manifest), trimmed; refused when empty, too long or holding NUL. */
export function filePathValue(path: unknown): Result<string> {
  if (typeof path !== 'string' || path.trim() === '' || path.length > MAX_FILE_PATH_LENGTH || path.includes('\u0000')) {
    return fail('validation_failed', `path is the file's full path (1 to ${MAX_FILE_PATH_LENGTH} characters)`);
  }
  return ok(path.trim());
}

/** Operations that take nothing: `undefined`, `null` or an empty object (what `{}` over HTTP looks like). */
export function validateNoArgument(arg: unknown): Result<undefined> {
  if (arg === undefined || arg === null) return ok(undefined);
  if (isPlainObject(arg) && Object.keys(arg).length === 0) return ok(undefined);
  return fail('validation_failed', 'this operation takes no argument');
}

/** `facts:recent`: nothing, or `{ limit }` with a whole number 1..MAX_RECENT_FACTS_LIMIT. */
export function validateRecentFactsQuery(arg: unknown): Result<RecentFactsQuery> {
  if (arg === undefined || arg === null) return ok({ limit: DEFAULT_RECENT_FACTS_LIMIT });
  if (!isPlainObject(arg)) return fail('validation_failed', 'expected an object like {"limit": 25}');
  const extra = unexpectedKeys(arg, ['limit']);
  if (extra.length > 0) return fail('validation_failed', `unexpected field ${JSON.stringify(extra[0]!.slice(0, 40))}`);
  const limit = arg['limit'];
  if (limit === undefined) return ok({ limit: DEFAULT_RECENT_FACTS_LIMIT });
  if (typeof limit !== 'number' || !Number.isInteger(limit)) return fail('validation_failed', 'limit must be a whole number');
  if (limit < 1 || limit > MAX_RECENT_FACTS_LIMIT) {
    return fail('validation_failed', `limit must be between 1 and ${MAX_RECENT_FACTS_LIMIT}`);
  }
  return ok({ limit });
}
