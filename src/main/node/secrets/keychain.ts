// The OS keychain through keytar: loaded lazily, every call bounded by a timeout, every failure a typed error.
import { SecretStoreError, type SecretStore } from './store.js';

export const KEYCHAIN_SERVICE = 'stigmem-desktop';
/** A locked keyring on a desktop can hold a call at an unlock prompt; past this we treat it as unanswered. */
export const KEYCHAIN_TIMEOUT_MS = 2000;

/** The part of keytar we use (keytar is archived upstream, so it stays behind this interface). */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeychainStoreOptions {
  service?: string;
  timeoutMs?: number;
  /** Replaces the real keytar module (unit tests). */
  loadKeytar?: () => Promise<KeytarApi>;
}

let realKeytar: Promise<KeytarApi> | null = null;

// keytar is a native CommonJS module; importing it only when first needed keeps a missing libsecret from crashing the node.
function loadRealKeytar(): Promise<KeytarApi> {
  realKeytar ??= import('keytar').then((m) => ((m as { default?: KeytarApi }).default ?? (m as unknown as KeytarApi)));
  return realKeytar;
}

export function keychainName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'OS keychain (macOS Keychain)';
  if (platform === 'win32') return 'OS keychain (Windows Credential Manager)';
  return 'OS keychain (Secret Service)';
}

const firstLine = (text: string): string => text.split('\n')[0]!.trim().slice(0, 300);
const REMEDY = 'unlock it or start with STIGMEM_KEY_STORE=file';

/** Map keytar's known rejections (TOOLCHAIN.md) to typed errors an operator can act on. */
export function keychainError(e: unknown): SecretStoreError {
  if (e instanceof SecretStoreError) return e;
  const message = firstLine(e instanceof Error ? e.message : String(e));
  if (message.includes('Cannot autolaunch D-Bus')) {
    return new SecretStoreError('keychain_unavailable', 'the OS keychain is unavailable: there is no D-Bus session bus', 'start the node inside a desktop session or with STIGMEM_KEY_STORE=file', 'file');
  }
  if (message.includes('org.freedesktop.secrets was not provided')) {
    return new SecretStoreError('keychain_unavailable', 'the OS keychain is unavailable: no Secret Service (such as gnome-keyring) is running', 'start one or start with STIGMEM_KEY_STORE=file', 'file');
  }
  if (message.includes('Object does not exist at path')) {
    return new SecretStoreError('keychain_locked', 'the OS keychain is locked (or has no login keyring)', REMEDY, 'file');
  }
  return new SecretStoreError('keychain_unavailable', `the OS keychain refused the request (${message})`, 'check the keychain or start with STIGMEM_KEY_STORE=file', 'file');
}

function loadFailure(e: unknown): SecretStoreError {
  const message = firstLine(e instanceof Error ? e.message : String(e));
  return new SecretStoreError('keychain_unavailable', `the OS keychain library could not be loaded (${message})`, 'install libsecret or start with STIGMEM_KEY_STORE=file', 'file');
}

function timeoutFailure(ms: number): SecretStoreError {
  const seconds = Math.round(ms / 100) / 10;
  return new SecretStoreError('keychain_timeout', `the OS keychain did not answer within ${seconds} s (it may be waiting at an unlock prompt)`, REMEDY, 'file');
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutFailure(ms)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(keychainError(e));
      },
    );
  });
}

export class KeychainStore implements SecretStore {
  readonly backend = 'keychain' as const;
  readonly service: string;
  private readonly timeoutMs: number;
  private readonly loadKeytar: () => Promise<KeytarApi>;

  constructor(opts: KeychainStoreOptions = {}) {
    this.service = opts.service ?? KEYCHAIN_SERVICE;
    this.timeoutMs = opts.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    this.loadKeytar = opts.loadKeytar ?? loadRealKeytar;
  }

  describe(account: string): string {
    return `${keychainName()}, service ${this.service}, account ${account}`;
  }

  private async call<T>(op: (k: KeytarApi) => Promise<T>): Promise<T> {
    let keytar: KeytarApi;
    try {
      keytar = await this.loadKeytar();
    } catch (e) {
      throw loadFailure(e);
    }
    // keytar throws synchronously on empty arguments; run the call inside a promise so that becomes a rejection too.
    return withTimeout(Promise.resolve().then(() => op(keytar)), this.timeoutMs);
  }

  get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.call((k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account));
  }
}
