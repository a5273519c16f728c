// API keys: only a salted scrypt hash is stored; a short-lived memory cache keeps per-request cost low, and a presented
// key is hashed off the event loop, so neither a busy client nor a guessing one stalls the node.
import { createHash, randomUUID, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { auditThrottle, recordAudit } from '../audit/log.js';
import { FailedAttempts } from './failedAttempts.js';
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
  is_bootstrap: 0 | 1;
}

/** A key as listings show it: its record plus lifecycle state, never its hash. */
export interface ApiKeySummary extends ApiKeyRecord {
  revoked_at: string | null;
  is_bootstrap: boolean;
}

function toSummary(r: ApiKeyRow): ApiKeySummary {
  return {
    id: r.id,
    entity_uri: r.entity_uri,
    permissions: (JSON.parse(r.permissions) as unknown[]).filter(isPermission),
    description: r.description,
    created_at: r.created_at,
    expires_at: r.expires_at,
    revoked_at: r.revoked_at,
    is_bootstrap: r.is_bootstrap === 1,
  };
}

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const CACHE_TTL_MS = 60_000;
// A key that matched is remembered longer, and refreshed by use, so its holder is never slowed by others' guessing.
const KNOWN_KEY_TTL_MS = 10 * 60_000;

/** A presented key: its principal, unknown (or revoked, expired), or refused unhashed after too many unknown ones. */
export type KeyCheck = { kind: 'ok'; principal: Principal } | { kind: 'unknown' } | { kind: 'throttled'; retryAfterS: number };

export class ApiKeyStore {
  private readonly salt: Buffer;
  private readonly cache = new Map<string, { hash: string; at: number; isKnown: boolean }>();
  private readonly failures = new FailedAttempts();
  private readonly refusalLogged = auditThrottle();

  constructor(
    private readonly db: WriteDb,
    private readonly nowMs: () => number,
  ) {
    this.salt = keyHashSalt(db);
  }

  hash(rawKey: string): string {
    return scryptSync(rawKey, this.salt, 32, SCRYPT).toString('hex');
  }

  private hashAsync(rawKey: string): Promise<string> {
    return new Promise((resolve, reject) => scrypt(rawKey, this.salt, 32, SCRYPT, (e, key) => (e ? reject(e) : resolve(key.toString('hex')))));
  }

  /**
   * Who a key presented by a caller at `address` is. A key not seen lately is hashed on the thread pool; once an
   * address has presented too many unknown keys, its further unseen ones are refused without hashing them.
   */
  async check(rawKey: string, address: string): Promise<KeyCheck> {
    const fast = createHash('sha256').update(rawKey).digest('hex');
    const nowMs = this.nowMs();
    const hit = this.cache.get(fast);
    let hash: string;
    if (hit && nowMs - hit.at < (hit.isKnown ? KNOWN_KEY_TTL_MS : CACHE_TTL_MS)) hash = hit.hash;
    else {
      const wait = this.failures.retryAfterS(address, nowMs);
      if (wait > 0) return { kind: 'throttled', retryAfterS: wait };
      hash = await this.hashAsync(rawKey);
    }
    const principal = this.principalFor(hash);
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(fast, { hash, at: principal ? this.nowMs() : (hit?.at ?? this.nowMs()), isKnown: principal !== null });
    if (principal) return { kind: 'ok', principal };
    this.failures.note(address, this.nowMs());
    // One event per address a minute: a guesser cannot fill the log.
    if (this.refusalLogged(address, this.nowMs())) {
      recordAudit(this.db, { category: 'admin', eventType: 'api_key_refused', actor: address, detail: { reason: 'unknown, revoked or expired key' } }, this.nowMs());
    }
    return { kind: 'unknown' };
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

  /** The principal for a key's hash, or null when it is unknown, revoked or expired. */
  private principalFor(hash: string): Principal | null {
    const row = this.db.get<ApiKeyRow>(sql`SELECT * FROM api_keys WHERE key_hash = ${hash}`);
    if (!row) return null;
    // The index lookup found the row; compare the full hash in constant time anyway.
    if (!timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    if (row.revoked_at !== null) return null;
    if (row.expires_at !== null && Date.parse(row.expires_at) <= this.nowMs()) return null;
    const perms = (JSON.parse(row.permissions) as unknown[]).filter(isPermission);
    return { kind: 'api_key', entityUri: row.entity_uri, permissions: new Set(perms), apiKeyId: row.id };
  }

  /** Every key (or one entity's keys), newest first; hashes never leave the store. */
  list(entityUri?: string): ApiKeySummary[] {
    const rows = entityUri === undefined
      ? this.db.all<ApiKeyRow>(sql`SELECT * FROM api_keys ORDER BY created_at DESC, rowid DESC`)
      : this.db.all<ApiKeyRow>(sql`SELECT * FROM api_keys WHERE entity_uri = ${entityUri} ORDER BY created_at DESC, rowid DESC`);
    return rows.map(toSummary);
  }

  get(id: string): ApiKeySummary | null {
    const row = this.db.get<ApiKeyRow>(sql`SELECT * FROM api_keys WHERE id = ${id}`);
    return row ? toSummary(row) : null;
  }

  /** Live keys whose expiry falls within [now, untilMs], soonest first. */
  listExpiring(untilMs: number): ApiKeySummary[] {
    const now = this.nowMs();
    return this.db.all<ApiKeyRow>(sql`SELECT * FROM api_keys WHERE expires_at IS NOT NULL AND revoked_at IS NULL ORDER BY expires_at, created_at DESC`)
      .filter((r) => {
        const at = Date.parse(r.expires_at!);
        return at > now && at <= untilMs;
      })
      .map(toSummary);
  }

  /** Revoke a key; the STIGMEM_ADMIN_KEY key is managed by the environment and cannot be revoked here. */
  revoke(id: string, revokedAt: string): 'revoked' | 'not_found' | 'bootstrap' {
    const row = this.db.get<ApiKeyRow>(sql`SELECT * FROM api_keys WHERE id = ${id} AND revoked_at IS NULL`);
    if (!row) return 'not_found';
    if (row.is_bootstrap === 1) return 'bootstrap';
    this.db.run(sql`UPDATE api_keys SET revoked_at = ${revokedAt} WHERE id = ${id} AND revoked_at IS NULL`);
    return 'revoked';
  }

  /** STIGMEM_ADMIN_KEY: one bootstrap key with every permission, bound to the org entity; idempotent. */
  ensureBootstrapKey(rawKey: string, entityUri: string, createdAt: string): void {
    const hash = this.hash(rawKey);
    const existing = this.db.get<{ id: string; revoked_at: string | null; is_bootstrap: number }>(sql`SELECT id, revoked_at, is_bootstrap FROM api_keys WHERE key_hash = ${hash}`);
    const audit = (eventType: string, id: string, retired: number): void => {
      recordAudit(this.db, { category: 'admin', eventType, actor: 'STIGMEM_ADMIN_KEY', subject: id, detail: { entity_uri: entityUri, bootstrap: true, retired_keys: retired } }, this.nowMs());
    };
    if (existing) {
      this.db.transaction(() => {
        // Going back to an earlier admin key still leaves exactly one live bootstrap key.
        const retired = this.db.run(sql`UPDATE api_keys SET revoked_at = ${createdAt} WHERE is_bootstrap = 1 AND revoked_at IS NULL AND id != ${existing.id}`).changes;
        const wasLive = existing.revoked_at === null && existing.is_bootstrap === 1;
        this.db.run(sql`UPDATE api_keys SET entity_uri = ${entityUri}, permissions = ${JSON.stringify(PERMISSIONS)}, revoked_at = NULL,
          is_bootstrap = 1 WHERE id = ${existing.id}`);
        if (retired > 0 || !wasLive) audit('api_key_reinstated', existing.id, retired);
      });
      return;
    }
    this.db.transaction(() => {
      // A changed STIGMEM_ADMIN_KEY retires the previous bootstrap key.
      const retired = this.db.run(sql`UPDATE api_keys SET revoked_at = ${createdAt} WHERE is_bootstrap = 1 AND revoked_at IS NULL`).changes;
      const created = this.create({ rawKey, entityUri, permissions: [...PERMISSIONS], description: 'STIGMEM_ADMIN_KEY', isBootstrap: true }, createdAt);
      audit('api_key_created', created.id, retired);
    });
  }
}
