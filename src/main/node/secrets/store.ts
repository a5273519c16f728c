// A SecretStore keeps the node's identity key under an account name and says, for people, which backend protects it.
import { ConfigError } from '../config/env.js';

/** Which backend protects a secret: recorded in node_meta and shown on the key screen (never degraded silently). */
export type SecretBackend = 'keychain' | 'file' | 'encrypted-file' | 'memory';

export interface SecretStore {
  readonly backend: SecretBackend;
  /** Where the secret for `account` lives, for people: a keychain item or a file path, never the secret. */
  describe(account: string): string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export type SecretStoreErrorCode =
  | 'keychain_unavailable'
  | 'keychain_locked'
  | 'keychain_timeout'
  | 'passphrase_missing'
  | 'passphrase_too_short'
  | 'passphrase_wrong'
  | 'key_store_damaged'
  | 'key_store_io'
  | 'key_exists'
  | 'key_missing';

/** The store an operator can choose when this one fails ('file' for the keychain), or null. */
export type FallbackChoice = 'file' | null;

/**
 * A typed key-custody failure: `reason` says what happened, `remedy` what to do next.
 * It is a ConfigError so `stigmem serve` prints it as one line and exits 2, like any other start-up refusal.
 */
export class SecretStoreError extends ConfigError {
  constructor(
    readonly code: SecretStoreErrorCode,
    readonly reason: string,
    readonly remedy: string,
    readonly fallback: FallbackChoice = null,
  ) {
    super(remedy ? `${reason}; ${remedy}` : reason);
    this.name = 'SecretStoreError';
  }
}

export const isKeychainFailure = (e: unknown): e is SecretStoreError =>
  e instanceof SecretStoreError && (e.code === 'keychain_unavailable' || e.code === 'keychain_locked' || e.code === 'keychain_timeout');
