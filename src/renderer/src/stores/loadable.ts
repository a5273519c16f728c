// A value being fetched from the node: the last good value stays visible while a refresh runs or fails.
import type { ContractError, Result } from '../../../shared/result';

export interface Loadable<T> {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  value: T | null;
  error: ContractError | null;
}

export const idle = <T>(): Loadable<T> => ({ phase: 'idle', value: null, error: null });

export const loading = <T>(previous: Loadable<T>): Loadable<T> => ({ phase: 'loading', value: previous.value, error: null });

export function settled<T>(previous: Loadable<T>, result: Result<T>): Loadable<T> {
  return result.ok ? { phase: 'ready', value: result.value, error: null } : { phase: 'error', value: previous.value, error: result.error };
}

/** Codes that mean "the admin key is missing or no longer good": the operator must sign in again. */
export function isSignInError(error: ContractError | null): boolean {
  return error !== null && (error.code === 'unauthorized' || error.code === 'forbidden');
}
