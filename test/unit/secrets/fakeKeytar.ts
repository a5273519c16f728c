// A stand-in for keytar: items in a Map, and switches that make it fail the way the real one does (TOOLCHAIN.md).
import { KeychainStore, type KeytarApi } from '../../../src/main/node/secrets/keychain.js';

export const NO_DBUS = 'Cannot autolaunch D-Bus without X11 $DISPLAY';
export const NO_SECRET_SERVICE = 'The name org.freedesktop.secrets was not provided by any .service files';
export const LOCKED = 'Object does not exist at path “/org/freedesktop/secrets/collection/login”';

export interface FakeKeytar {
  api: KeytarApi;
  items: Map<string, string>;
  /** Every call rejects with this message. */
  failAll: string | null;
  /** Writes reject with this message while reads answer (what a locked or missing login keyring does). */
  failWrites: string | null;
  /** Calls never settle (a keyring waiting at an unlock prompt). */
  isHung: boolean;
  store(timeoutMs?: number): KeychainStore;
}

export function fakeKeytar(service = 'stigmem-desktop-test'): FakeKeytar {
  const fake: FakeKeytar = {
    items: new Map(),
    failAll: null,
    failWrites: null,
    isHung: false,
    api: {} as KeytarApi,
    store: (timeoutMs = 200) => new KeychainStore({ service, timeoutMs, loadKeytar: async () => fake.api }),
  };
  const run = <T>(isWrite: boolean, work: () => T): Promise<T> => {
    if (fake.isHung) return new Promise<T>(() => undefined);
    if (fake.failAll) return Promise.reject(new Error(fake.failAll));
    if (isWrite && fake.failWrites) return Promise.reject(new Error(fake.failWrites));
    return Promise.resolve(work());
  };
  const id = (s: string, a: string): string => `${s}\u0000${a}`;
  fake.api = {
    getPassword: (s, a) => run(false, () => fake.items.get(id(s, a)) ?? null),
    setPassword: (s, a, p) => run(true, () => void fake.items.set(id(s, a), p)),
    deletePassword: (s, a) => run(true, () => fake.items.delete(id(s, a))),
  };
  return fake;
}
