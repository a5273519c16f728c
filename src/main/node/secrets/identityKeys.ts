// Identity keys in a SecretStore: the store holds PKCS#8 PEM text; callers get Signers, and private bytes leave only sealed.
import { generateSeed, pkcs8PemFromSeed, publicKeyFromSeed, seedFromPkcs8Pem } from '../crypto/ed25519.js';
import { signerFromSeed, type Signer } from '../identity/signer.js';
import { checkPassphrase, openSecret, sealSecret } from './envelope.js';
import { SecretStoreError, type SecretStore } from './store.js';

/** Where a rotated-out key stays readable during the dual-trust window. */
export const previousAccountFor = (account: string, keyId: string): string => `${account}:previous:${keyId}`;

function seedFromStored(text: string, where: string): Uint8Array {
  try {
    return seedFromPkcs8Pem(text);
  } catch (e) {
    throw new SecretStoreError('key_store_damaged', `${where} does not hold an Ed25519 key (${(e as Error).message})`, 'restore it from a backup');
  }
}

/** A signer over `seed`, wiping the caller's copy (the signer keeps its own). */
function signerConsuming(seed: Uint8Array, custody: string): Signer {
  try {
    return signerFromSeed(seed, custody);
  } finally {
    seed.fill(0);
  }
}

/** The signer for the key stored under `account`, or null when there is none. */
export async function loadSigner(store: SecretStore, account: string): Promise<Signer | null> {
  const text = await store.get(account);
  if (text === null) return null;
  const where = store.describe(account);
  return signerConsuming(seedFromStored(text, where), where);
}

async function writeAndVerify(store: SecretStore, account: string, seed: Uint8Array): Promise<void> {
  const expected = Buffer.from(publicKeyFromSeed(seed)).toString('base64url');
  await store.set(account, pkcs8PemFromSeed(seed));
  const stored = await loadSigner(store, account);
  if (stored?.publicKey !== expected) {
    throw new SecretStoreError('key_store_io', `${store.describe(account)} did not keep the key written to it`, 'check the store and try again');
  }
}

/** Store `seed` under an account that has no key yet (never overwrites: a key is an identity). */
export async function placeIdentityKey(store: SecretStore, account: string, seed: Uint8Array): Promise<Signer> {
  if ((await store.get(account)) !== null) {
    throw new SecretStoreError('key_exists', `${store.describe(account)} already holds a key`, 'use key rotation to replace it');
  }
  await writeAndVerify(store, account, seed);
  return signerConsuming(Uint8Array.from(seed), store.describe(account));
}

/** Generate a fresh Ed25519 identity key into `store` under `account`. */
export async function generateIdentityKey(store: SecretStore, account: string): Promise<Signer> {
  const seed = generateSeed();
  try {
    return await placeIdentityKey(store, account, seed);
  } finally {
    seed.fill(0);
  }
}

/** The only way private key bytes leave a store: sealed under a passphrase (scrypt + AES-256-GCM envelope). */
export async function exportEncryptedBackup(store: SecretStore, account: string, passphrase: string): Promise<string> {
  const checked = checkPassphrase(passphrase, 'the backup passphrase');
  const text = await store.get(account);
  if (text === null) throw new SecretStoreError('key_missing', `${store.describe(account)} holds no key`, 'there is nothing to back up');
  seedFromStored(text, store.describe(account)).fill(0);
  return sealSecret(text, checked);
}

/**
 * Restore a sealed backup under `account`. The same key already there is a no-op; a different key is refused unless
 * `replace` is set, and then it is rotated in (the old key kept under the previous-key account).
 */
export async function importEncryptedBackup(store: SecretStore, account: string, backup: string, passphrase: string, opts: { replace?: boolean } = {}): Promise<Signer> {
  const text = await openSecret(backup, passphrase, 'the key backup', 'the backup passphrase');
  const seed = seedFromStored(text, 'the key backup');
  try {
    const current = await loadSigner(store, account);
    const incoming = Buffer.from(publicKeyFromSeed(seed)).toString('base64url');
    if (current === null) return await placeIdentityKey(store, account, seed);
    if (current.publicKey === incoming) return current;
    if (!opts.replace) throw new SecretStoreError('key_exists', `${store.describe(account)} already holds a different key`, 'import with replace to rotate to the backup key');
    return (await replaceKey(store, account, seed)).signer;
  } finally {
    seed.fill(0);
  }
}

export interface KeyReplacement {
  signer: Signer;
  previous: Signer;
  /** Where the previous key stays readable for the dual-trust window. */
  previousAccount: string;
}

/** Rotation: keep the current key under `<account>:previous:<keyid>`, then store `newSeed` under `account`. */
export async function replaceKey(store: SecretStore, account: string, newSeed: Uint8Array): Promise<KeyReplacement> {
  const currentText = await store.get(account);
  if (currentText === null) throw new SecretStoreError('key_missing', `${store.describe(account)} holds no key to replace`, 'generate one first');
  const previous = signerConsuming(seedFromStored(currentText, store.describe(account)), store.describe(account));
  if (Buffer.from(publicKeyFromSeed(newSeed)).toString('base64url') === previous.publicKey) {
    throw new SecretStoreError('key_exists', 'the new key is the current key', 'generate a new key to rotate to');
  }
  const previousAccount = previousAccountFor(account, previous.keyId);
  await store.set(previousAccount, currentText);
  await writeAndVerify(store, account, newSeed);
  return {
    signer: signerConsuming(Uint8Array.from(newSeed), store.describe(account)),
    previous: (await loadSigner(store, previousAccount)) ?? previous,
    previousAccount,
  };
}
