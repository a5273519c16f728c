// API keys (REFERENCE-NODE.md §11): mint, list, revoke, and GET /v1/me. Key material is never returned or logged.
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { recordAudit } from '../audit/log.js';
import { isoFromMs, parseIsoMs } from '../clock.js';
import { badRequest, conflict, forbidden, HttpError, notFound, unprocessable } from '../errors.js';
import { pyFloat, type RawJson } from '../json/pyjson.js';
import type { App, NodeDeps } from '../server/deps.js';
import type { ApiKeySummary } from './apiKeys.js';
import { requirePermission } from './hook.js';
import { hasPermission, MINTABLE_PERMISSIONS, type Permission } from './permissions.js';

/** Static keys live at most this long (the reference's STIGMEM_API_KEY_MAX_AGE_DAYS default). */
export const API_KEY_MAX_AGE_DAYS = 90;
export const API_KEY_EXPIRING_SOON_DAYS = 30;
export const MIN_RAW_KEY_LENGTH = 32;
const DAY_MS = 86_400_000;
const TENANT_ID = 'default';
const TAGS = ['auth'];

const MintKeyBody = Type.Object(
  {
    // Printable ASCII without spaces: anything else could not be sent back in an Authorization header intact.
    raw_key: Type.String({ minLength: MIN_RAW_KEY_LENGTH, maxLength: 4096, pattern: '^[\\x21-\\x7e]+$', description: 'caller-generated secret, e.g. `openssl rand -hex 32`; only its hash is stored' }),
    entity_uri: Type.String({ minLength: 1, maxLength: 2048, pattern: '^[^\\s\\x00-\\x1f\\x7f]+$' }),
    permissions: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32, default: ['read', 'write'] })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
    expires_at: Type.Optional(Type.Union([Type.String({ maxLength: 64, description: `ISO 8601; at most ${API_KEY_MAX_AGE_DAYS} days ahead (the default)` }), Type.Null()])),
    tenant_id: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  },
  { additionalProperties: false },
);
type MintKeyBody = Static<typeof MintKeyBody>;

const KeyRecord = Type.Object({
  id: Type.String(),
  entity_uri: Type.String(),
  permissions: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  tenant_id: Type.String(),
});
const KeyInfo = Type.Object({
  ...KeyRecord.properties,
  oidc_sub: Type.Null(),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  bootstrap: Type.Boolean({ description: 'the STIGMEM_ADMIN_KEY key' }),
});
const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() });
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

/** Python's repr of a list of strings, as the reference words its permission errors. */
export function pyStrListRepr(items: readonly string[]): string {
  const repr = (s: string): string => {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    const body = [...s].map((ch) => {
      if (ch === '\\') return '\\\\';
      if (ch === quote) return `\\${quote}`;
      const cp = ch.codePointAt(0)!;
      if (ch === '\n') return '\\n';
      if (ch === '\r') return '\\r';
      if (ch === '\t') return '\\t';
      if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
      return ch;
    });
    return `${quote}${body.join('')}${quote}`;
  };
  return `[${items.map(repr).join(', ')}]`;
}

/** ISO 8601 with or without a zone (a naive time is UTC, as the reference reads it); null when malformed. */
export function parseExpiry(text: string): number | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return parseIsoMs(`${t}T00:00:00Z`);
  return parseIsoMs(t) ?? (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/i.test(t) ? parseIsoMs(`${t}Z`) : null);
}

function checkPermissions(requested: readonly string[]): Permission[] {
  const unique = [...new Set(requested)].sort();
  const unknown = unique.filter((p) => !(MINTABLE_PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw badRequest(`unknown permissions: ${pyStrListRepr(unknown)}; allowed: ${pyStrListRepr([...MINTABLE_PERMISSIONS].sort())}`);
  }
  if (unique.length === 0) throw badRequest('permissions list must be non-empty');
  return unique as Permission[];
}

function checkExpiry(expiresAt: string | null | undefined, nowMs: number): string {
  const maxMs = nowMs + API_KEY_MAX_AGE_DAYS * DAY_MS;
  if (expiresAt === null || expiresAt === undefined) return isoFromMs(maxMs);
  const ms = parseExpiry(expiresAt);
  if (ms === null) throw unprocessable('expires_at must be an ISO 8601 timestamp, e.g. 2026-08-01T00:00:00Z');
  if (ms <= nowMs) throw badRequest('expires_at is in the past');
  if (ms > maxMs) throw badRequest(`expires_at exceeds configured static API key max age (${API_KEY_MAX_AGE_DAYS} days)`);
  return isoFromMs(ms);
}

const keyInfo = (k: ApiKeySummary) => ({
  id: k.id, entity_uri: k.entity_uri, permissions: [...k.permissions].sort(), description: k.description, created_at: k.created_at,
  expires_at: k.expires_at, oidc_sub: null, tenant_id: TENANT_ID, revoked_at: k.revoked_at, bootstrap: k.is_bootstrap,
});

export function registerAuthRoutes(app: App, deps: NodeDeps): void {
  const { apiKeys } = deps;
  const requireAdmin = (detail: string) => async (req: FastifyRequest): Promise<void> => {
    requirePermission(req, 'admin', detail);
  };

  app.post('/v1/auth/keys', {
    preValidation: requireAdmin('admin permission required to mint API keys'),
    schema: {
      tags: TAGS, summary: 'Register a caller-generated API key (admin)', body: MintKeyBody,
      response: { 201: KeyRecord, ...errors(400, 401, 403, 409, 422) },
    },
  }, async (req, reply) => {
    const who = requirePermission(req, 'admin', 'admin permission required to mint API keys');
    const body: MintKeyBody = req.body;
    if (body.tenant_id !== undefined && body.tenant_id !== null && body.tenant_id !== TENANT_ID) {
      throw badRequest(`tenant_id must be "${TENANT_ID}" on this node`);
    }
    const permissions = checkPermissions(body.permissions ?? ['read', 'write']);
    const nowMs = deps.clock.nowMs();
    const expiresAt = checkExpiry(body.expires_at, nowMs);
    const duplicate = (): HttpError => conflict('raw_key already exists; generate a new key value');
    if (apiKeys.exists(body.raw_key)) throw duplicate();
    let record;
    try {
      record = deps.db.transaction(() => {
        const created = apiKeys.create({ rawKey: body.raw_key, entityUri: body.entity_uri, permissions, description: body.description ?? null, expiresAt }, isoFromMs(nowMs));
        recordAudit(deps.db, { category: 'admin', eventType: 'api_key_created', actor: who.entityUri, subject: created.id, detail: { entity_uri: created.entity_uri, permissions, expires_at: expiresAt } }, nowMs);
        return created;
      });
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw duplicate();
      throw e;
    }
    return reply.code(201).send({ ...record, tenant_id: TENANT_ID });
  });

  app.get('/v1/auth/keys', {
    schema: {
      tags: TAGS, summary: 'API keys: every key for admins, the caller\'s own keys otherwise',
      querystring: Type.Object({ include_inactive: Type.Optional(Type.Boolean({ default: false, description: 'also list revoked and expired keys' })) }),
      response: { 200: Type.Array(KeyInfo), ...errors(401, 403, 422) },
    },
  }, async (req) => {
    const who = requirePermission(req, 'read');
    const nowMs = deps.clock.nowMs();
    const keys = apiKeys.list(hasPermission(who, 'admin') ? undefined : who.entityUri);
    const isLive = (k: ApiKeySummary): boolean => k.revoked_at === null && (k.expires_at === null || Date.parse(k.expires_at) > nowMs);
    return keys.filter((k) => req.query.include_inactive === true || isLive(k)).map(keyInfo);
  });

  app.get('/v1/auth/keys/expiring-soon', {
    preValidation: requireAdmin('admin permission required to list expiring API keys'),
    schema: {
      tags: TAGS, summary: 'Live API keys expiring soon (admin)',
      querystring: Type.Object({ within_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: API_KEY_EXPIRING_SOON_DAYS })) }),
      response: { 200: Type.Array(Type.Object({ ...KeyInfo.properties, days_remaining: Type.Unsafe<RawJson>({ type: 'number' }) })), ...errors(401, 403, 422) },
    },
  }, async (req) => {
    requirePermission(req, 'admin', 'admin permission required to list expiring API keys');
    const nowMs = deps.clock.nowMs();
    const within = req.query.within_days ?? API_KEY_EXPIRING_SOON_DAYS;
    return apiKeys.listExpiring(nowMs + within * DAY_MS).map((k) => ({
      ...keyInfo(k),
      days_remaining: pyFloat(Math.max((Date.parse(k.expires_at!) - nowMs) / DAY_MS, 0)),
    }));
  });

  app.delete('/v1/auth/keys/:key_id', {
    schema: {
      tags: TAGS, summary: 'Revoke an API key (admins: any key; others: their own)',
      params: Type.Object({ key_id: Type.String({ minLength: 1, maxLength: 128 }) }),
      response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const who = requirePermission(req, 'read');
    const key = apiKeys.get(req.params.key_id);
    if (!key || key.revoked_at !== null) throw notFound('Key not found');
    if (!hasPermission(who, 'admin') && key.entity_uri !== who.entityUri) throw forbidden("Cannot revoke another entity's key");
    const nowMs = deps.clock.nowMs();
    const outcome = deps.db.transaction(() => {
      const revoked = apiKeys.revoke(key.id, isoFromMs(nowMs));
      if (revoked === 'revoked') recordAudit(deps.db, { category: 'admin', eventType: 'api_key_revoked', actor: who.entityUri, subject: key.id, detail: { entity_uri: key.entity_uri } }, nowMs);
      return revoked;
    });
    if (outcome === 'bootstrap') {
      throw conflict('the STIGMEM_ADMIN_KEY key cannot be revoked through the API; set a new STIGMEM_ADMIN_KEY and restart to retire it', 'bootstrap_key');
    }
    if (outcome === 'not_found') throw notFound('Key not found');
    return reply.code(204).send(null);
  });

  app.get('/v1/me', {
    schema: {
      tags: TAGS, summary: 'The caller as this node sees it',
      response: {
        200: Type.Object({ entity_uri: Type.String(), permissions: Type.Array(Type.String()), oidc_sub: Type.Null(), tenant_id: Type.String() }),
        ...errors(401),
      },
    },
  }, async (req) => {
    const who = req.principal;
    if (!who) throw new HttpError(401, 'Authorization header required', 'unauthorized', { 'WWW-Authenticate': 'Bearer' });
    return { entity_uri: who.entityUri, permissions: [...who.permissions].sort(), oidc_sub: null, tenant_id: TENANT_ID };
  });
}
