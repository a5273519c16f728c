// POST/GET/DELETE /v1/auth/keys, /v1/auth/keys/expiring-soon and GET /v1/me.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoFromMs } from '../../../src/main/node/clock.js';
import { ADMIN_KEY, makeTestNode, type TestNode } from '../../helpers/inject.js';

const T0 = Date.parse('2026-05-26T12:00:00Z');
const DAY = 86_400_000;
const clock = { t: T0, nowMs: () => clock.t };
let node: TestNode;

const raw = (name: string): string => `${name}-`.padEnd(40, '0');
const mint = (body: Record<string, unknown>, auth?: string) => node.req('POST', '/v1/auth/keys', body, auth);

beforeAll(async () => {
  node = await makeTestNode({ STIGMEM_ENTITY_URI: 'stigmem://org-a.example' }, { clock });
});
afterAll(async () => node.close());

describe('POST /v1/auth/keys', () => {
  it('registers a key with sorted permissions and the 90-day default expiry, echoing no key material', async () => {
    const res = await mint({ raw_key: raw('agent'), entity_uri: 'stigmem://org-a.example/agent/bot', permissions: ['write', 'read', 'federate', 'read'], description: 'bot' });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body)).toEqual(['id', 'entity_uri', 'permissions', 'description', 'created_at', 'expires_at', 'tenant_id']);
    expect(res.body).toMatchObject({
      entity_uri: 'stigmem://org-a.example/agent/bot', permissions: ['federate', 'read', 'write'], description: 'bot',
      created_at: isoFromMs(T0), expires_at: isoFromMs(T0 + 90 * DAY), tenant_id: 'default',
    });
    expect(res.text).not.toContain(raw('agent'));
    const me = await node.req('GET', '/v1/me', undefined, raw('agent'));
    expect(me.body).toEqual({ entity_uri: 'stigmem://org-a.example/agent/bot', permissions: ['federate', 'read', 'write'], oidc_sub: null, tenant_id: 'default' });
  });

  it('defaults permissions to read and write, and accepts tenant_id "default"', async () => {
    const res = await mint({ raw_key: raw('plain'), entity_uri: 'x:plain', tenant_id: 'default' });
    expect(res.status).toBe(201);
    expect(res.body.permissions).toEqual(['read', 'write']);
    expect(res.body.description).toBeNull();
    expect((await mint({ raw_key: raw('tenant'), entity_uri: 'x:t', tenant_id: 'acme' })).status).toBe(400);
  });

  it('refuses unknown permissions with the reference wording', async () => {
    const res = await mint({ raw_key: raw('bad-perm'), entity_uri: 'x:y', permissions: ['read', 'writes', 'admin:federation'] });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("unknown permissions: ['admin:federation', 'writes']; allowed: ['admin', 'audit.read', 'federate', 'instruction:write', 'read', 'write']");
    const empty = await mint({ raw_key: raw('no-perm'), entity_uri: 'x:y', permissions: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toBe('permissions list must be non-empty');
  });

  it('refuses a duplicate key', async () => {
    const res = await mint({ raw_key: raw('agent'), entity_uri: 'x:other' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('raw_key already exists; generate a new key value');
    expect((await mint({ raw_key: ADMIN_KEY.padEnd(32, 'x'), entity_uri: 'x:fine' })).status).toBe(201);
  });

  it('checks expires_at: within 90 days, in the future, ISO 8601 (naive means UTC)', async () => {
    const ok = await mint({ raw_key: raw('exp-ok'), entity_uri: 'x:e', expires_at: '2026-06-01T00:00:00Z' });
    expect(ok.status).toBe(201);
    expect(ok.body.expires_at).toBe('2026-06-01T00:00:00.000000+00:00');
    const naive = await mint({ raw_key: raw('exp-naive'), entity_uri: 'x:e', expires_at: '2026-06-01T10:00:00' });
    expect(naive.body.expires_at).toBe('2026-06-01T10:00:00.000000+00:00');
    const offset = await mint({ raw_key: raw('exp-off'), entity_uri: 'x:e', expires_at: '2026-06-01T10:00:00+02:00' });
    expect(offset.body.expires_at).toBe('2026-06-01T08:00:00.000000+00:00');
    const tooFar = await mint({ raw_key: raw('exp-far'), entity_uri: 'x:e', expires_at: isoFromMs(T0 + 91 * DAY) });
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.detail).toBe('expires_at exceeds configured static API key max age (90 days)');
    expect((await mint({ raw_key: raw('exp-past'), entity_uri: 'x:e', expires_at: '2020-01-01T00:00:00Z' })).status).toBe(400);
    for (const bad of ['tomorrow', '2026-13-45T00:00:00Z', '']) {
      const res = await mint({ raw_key: raw('exp-bad'), entity_uri: 'x:e', expires_at: bad });
      expect(res.status, bad).toBe(422);
    }
  });

  it('needs admin', async () => {
    const res = await mint({ raw_key: raw('escalate'), entity_uri: 'x:e', permissions: ['admin'] }, raw('agent'));
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('admin permission required to mint API keys');
    // Checked before the body, so a non-admin learns nothing about the schema.
    expect((await mint({ nonsense: true }, raw('agent'))).status).toBe(403);
  });
});

describe('GET /v1/auth/keys', () => {
  it('lists every live key for admins, never a hash', async () => {
    const res = await node.req('GET', '/v1/auth/keys');
    expect(res.status).toBe(200);
    const bootstrap = res.body.find((k: { bootstrap: boolean }) => k.bootstrap);
    expect(bootstrap).toMatchObject({ entity_uri: 'stigmem://org-a.example', description: 'STIGMEM_ADMIN_KEY', revoked_at: null, oidc_sub: null, tenant_id: 'default' });
    expect(bootstrap.permissions).toEqual(['admin', 'admin:federation', 'audit.read', 'federate', 'instruction:write', 'read', 'write']);
    expect(res.body.length).toBeGreaterThan(3);
    expect(res.text).not.toMatch(/key_hash|[0-9a-f]{64}/);
    expect(res.text).not.toContain(ADMIN_KEY);
  });

  it("lists only the caller's own keys for non-admins", async () => {
    const res = await node.req('GET', '/v1/auth/keys', undefined, raw('agent'));
    expect(res.status).toBe(200);
    expect(res.body.map((k: { entity_uri: string }) => k.entity_uri)).toEqual(['stigmem://org-a.example/agent/bot']);
  });
});

describe('DELETE /v1/auth/keys/{id}', () => {
  it('revokes a key at once; a second revoke is 404', async () => {
    const created = await mint({ raw_key: raw('short-lived'), entity_uri: 'x:s' });
    expect((await node.req('GET', '/v1/me', undefined, raw('short-lived'))).status).toBe(200);
    const res = await node.req('DELETE', `/v1/auth/keys/${created.body.id}`);
    expect(res.status).toBe(204);
    const after = await node.req('GET', '/v1/me', undefined, raw('short-lived'));
    expect(after.status).toBe(401);
    expect(after.body.detail).toBe('Invalid or expired API key');
    const again = await node.req('DELETE', `/v1/auth/keys/${created.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.detail).toBe('Key not found');
    const listed = await node.req('GET', '/v1/auth/keys?include_inactive=true');
    expect(listed.body.find((k: { id: string }) => k.id === created.body.id).revoked_at).toBe(isoFromMs(T0));
    expect((await node.req('GET', '/v1/auth/keys')).body.some((k: { id: string }) => k.id === created.body.id)).toBe(false);
  });

  it('refuses to revoke the STIGMEM_ADMIN_KEY key', async () => {
    const keys = await node.req('GET', '/v1/auth/keys');
    const bootstrap = keys.body.find((k: { bootstrap: boolean }) => k.bootstrap);
    const res = await node.req('DELETE', `/v1/auth/keys/${bootstrap.id}`);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/STIGMEM_ADMIN_KEY.*cannot be revoked/);
    expect((await node.req('GET', '/v1/me')).status).toBe(200);
  });

  it("lets a non-admin revoke only its own keys", async () => {
    const other = await mint({ raw_key: raw('other'), entity_uri: 'x:other-entity' });
    const own = await mint({ raw_key: raw('own-second'), entity_uri: 'stigmem://org-a.example/agent/bot' });
    const refused = await node.req('DELETE', `/v1/auth/keys/${other.body.id}`, undefined, raw('agent'));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe("Cannot revoke another entity's key");
    expect((await node.req('DELETE', `/v1/auth/keys/${own.body.id}`, undefined, raw('agent'))).status).toBe(204);
    expect((await node.req('DELETE', '/v1/auth/keys/no-such-key')).status).toBe(404);
  });
});

describe('GET /v1/auth/keys/expiring-soon', () => {
  it('lists live keys expiring within the window, soonest first', async () => {
    const soon = await mint({ raw_key: raw('soon'), entity_uri: 'x:soon', expires_at: isoFromMs(T0 + 10 * DAY) });
    const res = await node.req('GET', '/v1/auth/keys/expiring-soon?within_days=12');
    expect(res.status).toBe(200);
    const ids = res.body.map((k: { id: string }) => k.id);
    expect(ids).toContain(soon.body.id);
    const row = res.body.find((k: { id: string }) => k.id === soon.body.id);
    expect(row.days_remaining).toBe(10);
    expect(res.text).toContain('"days_remaining":10.0');
    // Keys on the 90-day default fall outside a 12-day window.
    expect(res.body.every((k: { expires_at: string }) => Date.parse(k.expires_at) <= T0 + 12 * DAY)).toBe(true);
    expect((await node.req('GET', '/v1/auth/keys/expiring-soon?within_days=0')).status).toBe(422);
    const refused = await node.req('GET', '/v1/auth/keys/expiring-soon', undefined, raw('agent'));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('admin permission required to list expiring API keys');
  });

  it('stops accepting a key once it expires', async () => {
    await mint({ raw_key: raw('expiring'), entity_uri: 'x:exp', expires_at: isoFromMs(T0 + DAY) });
    expect((await node.req('GET', '/v1/me', undefined, raw('expiring'))).status).toBe(200);
    clock.t = T0 + 2 * DAY;
    try {
      const res = await node.req('GET', '/v1/me', undefined, raw('expiring'));
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe('Invalid or expired API key');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    } finally {
      clock.t = T0;
    }
  });
});

describe('hostile bodies and paths', () => {
  const bodies: [string, unknown][] = [
    ['raw_key as number', { raw_key: 12345678901234567890123456789012345, entity_uri: 'x:y' }],
    ['short raw_key', { raw_key: 'short', entity_uri: 'x:y' }],
    ['raw_key with spaces', { raw_key: 'a b'.padEnd(40, 'c'), entity_uri: 'x:y' }],
    ['raw_key non-ASCII', { raw_key: 'ключ'.padEnd(40, 'к'), entity_uri: 'x:y' }],
    ['oversize raw_key', { raw_key: 'k'.repeat(100_000), entity_uri: 'x:y' }],
    ['entity_uri missing', { raw_key: raw('h1') }],
    ['entity_uri with newline', { raw_key: raw('h2'), entity_uri: 'x:\ny' }],
    ['permissions as string', { raw_key: raw('h3'), entity_uri: 'x:y', permissions: 'read' }],
    ['permissions with numbers', { raw_key: raw('h4'), entity_uri: 'x:y', permissions: [1, 2] }],
    ['too many permissions', { raw_key: raw('h5'), entity_uri: 'x:y', permissions: Array(1000).fill('read') }],
    ['expires_at as number', { raw_key: raw('h6'), entity_uri: 'x:y', expires_at: 1234 }],
    ['unknown field', { raw_key: raw('h7'), entity_uri: 'x:y', key_hash: 'abc' }],
    ['array body', [{ raw_key: raw('h8'), entity_uri: 'x:y' }]],
    ['malformed JSON', '{"raw_key": '],
    ['null body', 'null'],
  ];
  it.each(bodies)('POST /v1/auth/keys: %s', async (label, body) => {
    const res = await mint(body as Record<string, unknown>);
    expect(res.status, `${label}: ${res.text}`).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toHaveProperty('detail');
  });

  it('DELETE with odd ids', async () => {
    for (const path of ['/v1/auth/keys/%00', `/v1/auth/keys/${'i'.repeat(500)}`, '/v1/auth/keys/..%2F..']) {
      const res = await node.req('DELETE', path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body, path).toHaveProperty('detail');
    }
    const bad = await node.req('DELETE', '/v1/auth/keys/%E0%A4%A');
    expect(bad.status).toBe(400);
  });

  it('query strings of the wrong type', async () => {
    expect((await node.req('GET', '/v1/auth/keys/expiring-soon?within_days=soon')).status).toBe(422);
    expect((await node.req('GET', '/v1/auth/keys?include_inactive=maybe')).status).toBe(422);
  });
});
