// Authentication behaviour: 401/403 details, anonymous callers, the STIGMEM_ADMIN_KEY key across restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { createNode } from '../../../src/main/node/runtime.js';
import { ADMIN_KEY, makeTestNode, type TestNode } from '../../helpers/inject.js';

const READER_KEY = 'reader-key-0123456789abcdef0123456789';

describe('auth required (the default)', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await makeTestNode();
    const res = await node.req('POST', '/v1/auth/keys', { raw_key: READER_KEY, entity_uri: 'x:reader', permissions: ['read'] });
    expect(res.status).toBe(201);
  });
  afterAll(async () => node.close());

  it('answers 401 without a header, with WWW-Authenticate: Bearer', async () => {
    const res = await node.req('GET', '/v1/me', undefined, false);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Authorization header required');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 for an unknown key', async () => {
    const res = await node.req('GET', '/v1/gardens', undefined, 'no-such-key-0123456789abcdef012345');
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Invalid or expired API key');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 for a key whose expiry has passed', async () => {
    node.deps.apiKeys.create({ rawKey: 'expired-key-0123456789abcdef012345', entityUri: 'x:old', permissions: ['read'], expiresAt: '2020-01-01T00:00:00.000000+00:00' }, '2019-12-01T00:00:00.000000+00:00');
    const res = await node.req('GET', '/v1/me', undefined, 'expired-key-0123456789abcdef012345');
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Invalid or expired API key');
  });

  it('answers 401 for other schemes and empty Bearer values', async () => {
    for (const authorization of [`Basic ${Buffer.from('admin:pw').toString('base64')}`, 'Bearer', 'Bearer    ', ADMIN_KEY, `Token ${ADMIN_KEY}`]) {
      const res = await node.req('GET', '/v1/me', undefined, false, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body.detail).toBe('Authorization header required');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('matches the Bearer scheme case-insensitively', async () => {
    const res = await node.req('GET', '/v1/me', undefined, false, { authorization: `bEaReR ${ADMIN_KEY}` });
    expect(res.status).toBe(200);
  });

  it('answers 401 token_too_large for an Authorization header over 16 KiB', async () => {
    const res = await node.req('GET', '/v1/me', undefined, 'x'.repeat(17 * 1024));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_too_large');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 403 when the key lacks the permission', async () => {
    const write = await node.req('POST', '/v1/gardens', { slug: 'nope', name: 'Nope' }, READER_KEY);
    expect(write.status).toBe(403);
    expect(write.body.detail).toBe('write permission required');
    const mint = await node.req('POST', '/v1/auth/keys', { raw_key: 'z'.repeat(40), entity_uri: 'x:y' }, READER_KEY);
    expect(mint.status).toBe(403);
    expect(mint.body.detail).toBe('admin permission required to mint API keys');
    expect((await node.req('GET', '/v1/gardens', undefined, READER_KEY)).status).toBe(200);
  });

  it('authenticates before routing: unknown /v1 paths need credentials too', async () => {
    for (const [method, path] of [['GET', '/v1/no-such-route'], ['POST', '/v1/federation/nothing'], ['DELETE', '/v1/gardens/x/y/z/w']]) {
      const anon = await node.req(method!, path!, undefined, false);
      expect(anon.status, path).toBe(401);
      expect(anon.body.detail).toBe('Authorization header required');
      expect((await node.req(method!, path!, undefined, 'bogus-key-0123456789abcdef0123456789')).status).toBe(401);
      expect((await node.req(method!, path!)).status).toBe(404);
    }
  });

  it('leaves discovery and health open', async () => {
    expect((await node.req('GET', '/healthz', undefined, false)).status).toBe(200);
    expect((await node.req('GET', '/.well-known/stigmem', undefined, false)).status).toBe(200);
    // The self-check says the database answers, without scanning it (anyone may call it).
    expect((await node.req('GET', '/v1/doctor', undefined, false)).body).toEqual({ status: 'ok', memory_garden_acl_filtering: true, database: 'ok' });
  });
});

describe('auth disabled', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await makeTestNode({ STIGMEM_AUTH_REQUIRED: 'false' });
  });
  afterAll(async () => node.close());

  it('gives anonymous callers read, write and federate, but not admin', async () => {
    const me = await node.req('GET', '/v1/me', undefined, false);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ entity_uri: 'anon:trusted', permissions: ['federate', 'read', 'write'], oidc_sub: null, tenant_id: 'default' });
    expect((await node.req('POST', '/v1/gardens', { slug: 'open', name: 'Open' }, false)).status).toBe(201);
    const mint = await node.req('POST', '/v1/auth/keys', { raw_key: 'a'.repeat(40), entity_uri: 'x:y' }, false);
    expect(mint.status).toBe(403);
    expect(mint.body.detail).toBe('admin permission required to mint API keys');
  });

  it('still resolves a valid key, and treats an invalid one as anonymous', async () => {
    const admin = await node.req('GET', '/v1/me');
    expect(admin.body.permissions).toContain('admin');
    const bogus = await node.req('GET', '/v1/me', undefined, 'bogus-key-0123456789abcdef0123456789');
    expect(bogus.status).toBe(200);
    expect(bogus.body.entity_uri).toBe('anon:trusted');
  });

  it('still refuses an oversize Authorization header', async () => {
    const res = await node.req('GET', '/v1/me', undefined, 'x'.repeat(20_000));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_too_large');
  });
});

describe('STIGMEM_ADMIN_KEY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-admin-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withNode<T>(env: Record<string, string>, fn: (n: Awaited<ReturnType<typeof createNode>>) => Promise<T>): Promise<T> {
    const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_NODE_URL: 'http://localhost:8100', ...env });
    const n = await createNode(config);
    try {
      return await fn(n);
    } finally {
      await n.app.close();
      n.deps.db.raw.close();
    }
  }
  const me = async (n: Awaited<ReturnType<typeof createNode>>, key: string) => {
    const res = await n.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
    return { status: res.statusCode, body: res.json() as { entity_uri: string; permissions: string[] } };
  };
  const bootstrapRows = (n: Awaited<ReturnType<typeof createNode>>) =>
    n.deps.db.all<{ id: string; revoked_at: string | null }>(sql`SELECT id, revoked_at FROM api_keys WHERE is_bootstrap = 1 ORDER BY created_at, rowid`);

  it('creates an admin key bound to the node URL authority when STIGMEM_ENTITY_URI is unset', async () => {
    await withNode({ STIGMEM_ADMIN_KEY: 'first-admin-key' }, async (n) => {
      const res = await me(n, 'first-admin-key');
      expect(res.status).toBe(200);
      expect(res.body.entity_uri).toBe('stigmem://localhost:8100');
      expect(res.body.permissions).toEqual(['admin', 'admin:federation', 'audit.read', 'federate', 'instruction:write', 'read', 'write']);
    });
  });

  it('is idempotent across restarts and follows STIGMEM_ENTITY_URI', async () => {
    const before = await withNode({ STIGMEM_ADMIN_KEY: 'first-admin-key' }, async (n) => bootstrapRows(n));
    await withNode({ STIGMEM_ADMIN_KEY: 'first-admin-key', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' }, async (n) => {
      expect(bootstrapRows(n)).toEqual(before);
      expect((await me(n, 'first-admin-key')).body.entity_uri).toBe('stigmem://org-a.example');
    });
  });

  it('retires the previous key when the admin key changes, and back again', async () => {
    await withNode({ STIGMEM_ADMIN_KEY: 'second-admin-key' }, async (n) => {
      expect((await me(n, 'first-admin-key')).status).toBe(401);
      expect((await me(n, 'second-admin-key')).status).toBe(200);
      expect(bootstrapRows(n).filter((r) => r.revoked_at === null)).toHaveLength(1);
    });
    await withNode({ STIGMEM_ADMIN_KEY: 'first-admin-key' }, async (n) => {
      expect((await me(n, 'first-admin-key')).status).toBe(200);
      expect((await me(n, 'second-admin-key')).status).toBe(401);
      expect(bootstrapRows(n).filter((r) => r.revoked_at === null)).toHaveLength(1);
    });
  });

  it('accepts STIGMEM_BOOTSTRAP_KEY as an alias', async () => {
    await withNode({ STIGMEM_BOOTSTRAP_KEY: 'alias-admin-key-123' }, async (n) => {
      expect((await me(n, 'alias-admin-key-123')).body.permissions).toContain('admin');
    });
  });
});

describe('key material stays out of logs and responses', () => {
  it('never writes a raw key or its hash to the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-log-'));
    let log = '';
    const stream = new Writable({ write(chunk: Buffer, _enc, cb) { log += chunk.toString(); cb(); } });
    const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_ADMIN_KEY: ADMIN_KEY });
    const n = await createNode(config, { logger: { level: 'trace', stream } });
    try {
      const minted = 'minted-secret-0123456789abcdef01234567';
      const post = await n.app.inject({ method: 'POST', url: '/v1/auth/keys', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: { raw_key: minted, entity_uri: 'x:y' } });
      expect(post.statusCode).toBe(201);
      await n.app.inject({ method: 'POST', url: '/v1/auth/keys', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: { raw_key: minted, entity_uri: 'x:y' } });
      await n.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${minted}` } });
      await n.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Bearer wrong-secret-0123456789abcdef0123' } });
      const list = await n.app.inject({ method: 'GET', url: '/v1/auth/keys', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(log.length).toBeGreaterThan(0);
      const hashes = n.deps.db.all<{ key_hash: string }>(sql`SELECT key_hash FROM api_keys`).map((r) => r.key_hash);
      for (const secret of [minted, ADMIN_KEY, 'wrong-secret-0123456789abcdef0123', ...hashes]) {
        expect(log).not.toContain(secret);
        expect(list.body).not.toContain(secret);
        expect(post.body).not.toContain(secret);
      }
    } finally {
      await n.app.close();
      n.deps.db.raw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
