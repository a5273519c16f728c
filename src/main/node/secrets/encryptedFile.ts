// Passphrase-encrypted key files beside the database: for machines without a keychain that should not keep a plain key.
import { openSecret, sealSecret, checkPassphrase, DEFAULT_SCRYPT, type ScryptParams } from './envelope.js';
import { deleteKeyFile, keyFilePath, readKeyFile, writeKeyFile } from './files.js';
import type { SecretStore } from './store.js';

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

  async get(account: string): Promise<string | null> {
    const path = this.pathFor(account);
    const text = readKeyFile(path);
    return text === null ? null : openSecret(text, this.#passphrase, `the encrypted key file ${path}`);
  }

  async set(account: string, secret: string): Promise<void> {
    writeKeyFile(this.pathFor(account), await sealSecret(secret, this.#passphrase, this.scryptParams));
  }

  async delete(account: string): Promise<boolean> {
    return deleteKeyFile(this.pathFor(account));
  }
}
