// Result envelopes of the admin contract: errors are values with a stable code, never thrown across a boundary.

/** Codes a screen can act on; handlers may add their own (`keychain_locked`, `signature_mismatch` …). */
export type ContractErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'unknown_operation'
  | 'network_error'
  | 'bad_response'
  | 'internal_error'
  | (string & {});

export interface ContractError {
  code: ContractErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = <T = never>(code: ContractErrorCode, message: string): Result<T> => ({ ok: false, error: { code, message } });

/** True for a well-formed envelope (what a transport checks before trusting an answer from the other side). */
export function isResultEnvelope(x: unknown): x is Result<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  if (r['ok'] === true) return 'value' in r;
  if (r['ok'] !== false) return false;
  const e = r['error'];
  return typeof e === 'object' && e !== null && typeof (e as Record<string, unknown>)['code'] === 'string' && typeof (e as Record<string, unknown>)['message'] === 'string';
}
