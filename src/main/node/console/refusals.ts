// The node's refusals (HttpError: a code and operator-readable words) as result envelopes for the screens; any other
// exception is a bug and stays one, for runAdminOperation to report as internal_error.
import { fail, ok, type Result } from '../../../shared/result.js';
import { HttpError } from '../errors.js';

export function refusalOf<T>(e: unknown): Result<T> {
  if (e instanceof HttpError) return fail(e.code, e.message);
  throw e;
}

export function refusalsAsEnvelopes<T>(work: () => T): Result<T> {
  try {
    return ok(work());
  } catch (e) {
    return refusalOf(e);
  }
}

export async function refusalsAsEnvelopesAsync<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (e) {
    return refusalOf(e);
  }
}
