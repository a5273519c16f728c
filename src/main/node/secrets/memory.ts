// Secrets in a Map: for tests, and for nodes whose database is `:memory:` (both vanish together).
import type { SecretStore } from './store.js';

export class MemoryStore implements SecretStore {
  readonly backend = 'memory' as const;
  private readonly secrets = new Map<string, string>();

  describe(account: string): string {
    return `memory (account ${account}; lost when the node stops)`;
  }

  async get(account: string): Promise<string | null> {
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.secrets.delete(account);
  }
}
