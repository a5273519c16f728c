// Plain 0600 PEM files beside the database, as ssh and Syncthing keep keys on servers without a keychain.
import { deleteKeyFile, keyFilePath, readKeyFile, writeKeyFile } from './files.js';
import type { SecretStore } from './store.js';

export class PemFileStore implements SecretStore {
  readonly backend = 'file' as const;

  /** `nodeAccount`'s key is `<db name>.identity.pem`, the path nodes started earlier already use. */
  constructor(
    private readonly dbPath: string,
    private readonly nodeAccount: string,
  ) {}

  pathFor(account: string): string {
    return keyFilePath(this.dbPath, this.nodeAccount, account, '.pem');
  }

  describe(account: string): string {
    return `key file ${this.pathFor(account)} (mode 0600)`;
  }

  async get(account: string): Promise<string | null> {
    return readKeyFile(this.pathFor(account));
  }

  async set(account: string, secret: string): Promise<void> {
    writeKeyFile(this.pathFor(account), secret);
  }

  async delete(account: string): Promise<boolean> {
    return deleteKeyFile(this.pathFor(account));
  }
}
