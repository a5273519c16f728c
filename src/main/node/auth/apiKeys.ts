// API keys: only a salted scrypt hash is stored; a short-lived memory cache keeps per-request cost low.
import { createHash, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { sql, type WriteDb } from '../db/sql.js';
import { keyHashSalt } from '../meta.js';
import { isPermission, PERMISSIONS, type Permission, type Principal } from './permissions.js';

export interface ApiKeyRecord {
  id: string;
  entity_uri: string;
  permissions: Permission[];
  description: string | null;
  created_at: string;
  expires_at: string | null;
}

interface ApiKeyRow {
  id: string;
  key_hash: string;
  entity_uri: string;
  permissions: string;
  description: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const CACHE_TTL_MS = 60_000;

export class ApiKeyStore {
  private readonly salt: Buffer;
  private readonly cache = new Map<string, { id: string; hash: string; at: number }>();

  constructor(
    private readonly db: WriteDb,
    private readonly nowMs: () => number,
  ) {
    this.salt = keyHashSalt(db);
  }

  hash(rawKey: string): string {
    return scryptSync(rawKey, this.salt, 32, SCRYPT).toString('hex');
  }

  private hashCached(rawKey: string): string {
    const fast = createHash('sha256').update(rawKey).digest('hex');
    const hit = this.cache.get(fast);
    if (hit && this.nowMs() - hit.at < CACHE_TTL_MS) return hit.hash;
    const hash = this.hash(rawKey);
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(fast, { id: '', hash, at: this.nowMs() });
    return hash;
  }

  create(input: { rawKey: string; entityUri: string; permissions: Permission[]; description?: string | null; expiresAt?: string | null; isBootstrap?: boolean }, createdAt: string): ApiKeyRecord {
    const id = randomUUID();
    this.db.run(sql`INSERT INTO api_keys (id, key_hash, entity_uri, permissions, description, created_at, expires_at, is_bootstrap)
      VALUES (${id}, ${this.hash(input.rawKey)}, ${input.entityUri}, ${JSON.stringify(input.permissions)}, ${input.description ?? null},
              ${createdAt}, ${input.expiresAt ?? null}, ${input.isBootstrap ? 1 : 0})`);
    return { id, entity_uri: input.entityUri, permissions: input.permissions, description: input.description ?? null, created_at: createdAt, expires_at: input.expiresAt ?? null };
  }

  exists(rawKey: string): boolean {
    return this.db.get(sql`SELECT 1 FROM api_keys WHERE key_hash = ${this.hash(rawKey)}`) !== undefined;
  }

  /** The principal for a presented key, or null when it is unknown, revoked or expired. */
  resolve(rawKey: string): Principal | null {
    const hash = this.hashCached(rawKey);
    const row = this.db.get<ApiKeyRow>(sql`SELECT * FROM api_keys WHERE key_hash = ${hash}`);
    if (!row) return null;
    // The index lookup found the row; compare the full hash in constant time anyway.
    if (!timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    if (row.revoked_at !== null) return null;
    if (row.expires_at !== null && Date.parse(row.expires_at) <= this.nowMs()) return null;
    const perms = (JSON.parse(row.permissions) as unknown[]).filter(isPermission);
    return { kind: 'api_key', entityUri: row.entity_uri, permissions: new Set(perms), apiKeyId: row.id };
  }

  /** STIGMEM_ADMIN_KEY: one bootstrap key with every permission, bound to the org entity; idempotent. */
  ensureBootstrapKey(rawKey: string, entityUri: string, createdAt: string): void {
    const hash = this.hash(rawKey);
    const existing = this.db.get<{ id: string }>(sql`SELECT id FROM api_keys WHERE key_hash = ${hash}`);
    if (existing) {
      this.db.run(sql`UPDATE api_keys SET entity_uri = ${entityUri}, permissions = ${JSON.stringify(PERMISSIONS)}, revoked_at = NULL
        WHERE id = ${existing.id}`);
      return;
    }
    this.db.transaction(() => {
      // A changed STIGMEM_ADMIN_KEY retires the previous bootstrap key.
      this.db.run(sql`UPDATE api_keys SET revoked_at = ${createdAt} WHERE is_bootstrap = 1 AND revoked_at IS NULL`);
      this.create({ rawKey, entityUri, permissions: [...PERMISSIONS], description: 'STIGMEM_ADMIN_KEY', isBootstrap: true }, createdAt);
    });
  }
}
