// keytar's failures become typed errors an operator can act on; a hung keyring times out instead of hanging the node.
import { describe, expect, it } from 'vitest';
import { KeychainStore, keychainError } from '../../../src/main/node/secrets/keychain.js';
import { SecretStoreError } from '../../../src/main/node/secrets/store.js';
import { ConfigError } from '../../../src/main/node/config/env.js';
import { fakeKeytar, LOCKED, NO_DBUS, NO_SECRET_SERVICE } from './fakeKeytar.js';

describe('keychain errors', () => {
  it.each([
    [NO_DBUS, 'keychain_unavailable', 'no D-Bus session bus'],
    [NO_SECRET_SERVICE, 'keychain_unavailable', 'no Secret Service'],
    [LOCKED, 'keychain_locked', 'the OS keychain is locked'],
    ['Something else entirely', 'keychain_unavailable', 'Something else entirely'],
  ])('%s → %s', async (message, code, words) => {
    const fake = fakeKeytar();
    fake.failAll = message;
    const error = await fake.store().get('acct').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code, fallback: 'file' });
    expect((error as Error).message).toContain(words);
    expect((error as Error).message).toContain('STIGMEM_KEY_STORE=file');
    expect((error as Error).message).not.toContain('\n');
  });

  it('tells the operator of a locked keychain to unlock it or use a file', () => {
    expect(keychainError(new Error(LOCKED)).message).toBe('the OS keychain is locked (or has no login keyring); unlock it or start with STIGMEM_KEY_STORE=file');
  });

  it('a locked keyring answers reads but refuses writes: the write is the typed error', async () => {
    const fake = fakeKeytar();
    fake.failWrites = LOCKED;
    const store = fake.store();
    expect(await store.get('acct')).toBeNull();
    await expect(store.set('acct', 'k')).rejects.toMatchObject({ code: 'keychain_locked' });
  });

  it('times out a call that never answers (an unlock prompt nobody sees)', async () => {
    const fake = fakeKeytar();
    fake.isHung = true;
    await expect(fake.store(30).get('acct')).rejects.toMatchObject({ code: 'keychain_timeout', message: expect.stringContaining('did not answer within') });
  });

  it('a keytar that cannot load (no libsecret) is unavailable, not a crash', async () => {
    const store = new KeychainStore({ loadKeytar: () => Promise.reject(new Error('libsecret-1.so.0: cannot open shared object file')) });
    await expect(store.set('acct', 'k')).rejects.toMatchObject({ code: 'keychain_unavailable', message: expect.stringContaining('libsecret-1.so.0') });
  });

  it('turns keytar throwing synchronously into a typed rejection', async () => {
    const fake = fakeKeytar();
    fake.api.getPassword = () => {
      throw new Error('Account is required.');
    };
    await expect(fake.store().get('')).rejects.toMatchObject({ code: 'keychain_unavailable' });
  });

  it('names the service and account, and uses the stigmem-desktop service by default', () => {
    const store = new KeychainStore();
    expect(store.service).toBe('stigmem-desktop');
    expect(store.describe('stigmem:node:abc')).toMatch(/^OS keychain \(.+\), service stigmem-desktop, account stigmem:node:abc$/);
  });
});
