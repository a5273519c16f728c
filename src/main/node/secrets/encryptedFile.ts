// Passphrase-encrypted key files beside the database: for machines without a keychain that should not keep a plain key.
import { openSecret, sealSecret, checkPassphrase, DEFAULT_SCRYPT, type ScryptParams } from './envelope.js';
import { deleteKeyFile, keyFilePath, readKeyFile, writeKeyFile } from './files.js';
import { SecretStoreError, type SecretStore } from './store.js';

/**
 * The key passphrase the server settings file (resources/systemd/stigmem.env) ships with. Nodes once ran on it, so key
 * files sealed under it exist; a node now refuses it, and re-seals such a file under the passphrase set in its place.
 */
export const SHIPPED_KEY_PASSPHRASE_PLACEHOLDER = 'change-me-to-a-long-passphrase';

export class EncryptedFileStore implements SecretStore {
  readonly backend = 'encrypted-file' as const;
  // A #private field: JSON.stringify and console.log of the store never show the passphrase.
  readonly #passphrase: string;

  /** Throws a typed error for a missing or short passphrase, so a node refuses to start before touching any file. */
  constructor(
    private readonly dbPath: string,
    private readonly nodeAccount: string,
    passphrase: string | null,
    private readonly scryptParams: ScryptParams = DEFAULT_SCRYPT,
  ) {
    this.#passphrase = checkPassphrase(passphrase);
  }

  pathFor(account: string): string {
    return keyFilePath(this.dbPath, this.nodeAccount, account, '.enc.json');
  }

  describe(account: string): string {
    return `passphrase-encrypted key file ${this.pathFor(account)} (scrypt + AES-256-GCM, mode 0600)`;
  }

  /** Key files this store found sealed under the shipped placeholder and sealed again under its own passphrase. */
  readonly resealed: string[] = [];

  async get(account: string): Promise<string | null> {
    const path = this.pathFor(account);
    const text = readKeyFile(path);
    if (text === null) return null;
    try {
      return await openSecret(text, this.#passphrase, `the encrypted key file ${path}`);
    } catch (e) {
      if (!(e instanceof SecretStoreError) || e.code !== 'passphrase_wrong') throw e;
      const secret = await openSecret(text, SHIPPED_KEY_PASSPHRASE_PLACEHOLDER, path).catch(() => Promise.reject(e));
      writeKeyFile(path, await sealSecret(secret, this.#passphrase, this.scryptParams));
      this.resealed.push(path);
      return secret;
    }
  }

  async set(account: string, secret: string): Promise<void> {
    writeKeyFile(this.pathFor(account), await sealSecret(secret, this.#passphrase, this.scryptParams));
  }

  async delete(account: string): Promise<boolean> {
    return deleteKeyFile(this.pathFor(account));
  }
}
