// GET / PATCH /v1/admin/config: the built-in quarantine garden, choosing another, the env override, hostile bodies.
import { afterEach, describe, expect, it } from 'vitest';
import { addKey, builtinGardenId, makeTestNode, type TestNode } from './helpers.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

async function node(env: Record<string, string> = {}): Promise<TestNode> {
  const n = await makeTestNode(env);
  nodes.push(n);
  return n;
}

const quarantineGarden = async (n: TestNode, slug: string, quarantine = true): Promise<string> =>
  (await n.req('POST', '/v1/gardens', { slug, name: slug, scope: 'company', quarantine })).body.id;

describe('/v1/admin/config', () => {
  it('starts with the built-in quarantine garden, which exists from first start', async () => {
    const n = await node();
    const res = await n.req('GET', '/v1/admin/config');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      quarantine_garden_id: builtinGardenId(n), quarantine_garden_source: 'builtin', configured_quarantine_garden_id: null,
      quarantine_garden: { slug: 'quarantine', garden_id: 'stigmem://localhost:8765/garden/quarantine' }, trust_mode: 'relaxed', warnings: [],
    });
    expect(res.text).toContain('"quarantine_trust_threshold":0.3');
    const garden = await n.req('GET', '/v1/gardens/quarantine');
    expect(garden.body).toMatchObject({ id: builtinGardenId(n), quarantine: true });
  });

  it('takes a quarantine garden by id (the tutorial) or slug, and null returns to the built-in one', async () => {
    const n = await node();
    const id = await quarantineGarden(n, 'inbound-quarantine');
    const byId = await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: id });
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ quarantine_garden_id: id, quarantine_garden_source: 'config', configured_quarantine_garden_id: id });
    expect((await n.req('GET', '/v1/admin/config')).body.quarantine_garden_id).toBe(id);
    const other = await quarantineGarden(n, 'second-q');
    expect((await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: 'second-q' })).body.quarantine_garden_id).toBe(other);
    const reset = await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: null });
    expect(reset.body).toMatchObject({ quarantine_garden_id: builtinGardenId(n), quarantine_garden_source: 'builtin' });
  });

  it('refuses a garden that is not a quarantine garden, or none, with 422', async () => {
    const n = await node();
    const plain = await quarantineGarden(n, 'plain', false);
    const notQ = await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: plain });
    expect([notQ.status, notQ.body.detail]).toEqual([422, 'quarantine_garden_id must name a garden created with "quarantine": true']);
    const missing = await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: 'no-such-garden' });
    expect([missing.status, missing.body.detail]).toEqual([422, 'quarantine_garden_id: garden not found']);
  });

  it('lets STIGMEM_QUARANTINE_GARDEN_ID win over the stored choice, and says so', async () => {
    const first = await node();
    const envGarden = await quarantineGarden(first, 'env-q');
    const chosen = await quarantineGarden(first, 'chosen-q');
    await first.req('PATCH', '/v1/admin/config', { quarantine_garden_id: chosen });
    // The same database under a node started with the env variable.
    const { loadConfig } = await import('../../../src/main/node/config/env.js');
    const { createNode } = await import('../../../src/main/node/runtime.js');
    const dbPath = first.deps.config.dbPath;
    await first.app.close();
    first.deps.db.raw.close();
    const { config } = loadConfig({ STIGMEM_DB_PATH: dbPath, STIGMEM_ADMIN_KEY: 'test-admin-key-0123456789abcdef', STIGMEM_QUARANTINE_GARDEN_ID: 'env-q' });
    const second = await createNode(config);
    try {
      const res = await second.app.inject({ method: 'GET', url: '/v1/admin/config', headers: { authorization: 'Bearer test-admin-key-0123456789abcdef' } });
      const body = JSON.parse(res.body);
      expect(body).toMatchObject({ quarantine_garden_id: envGarden, quarantine_garden_source: 'env', configured_quarantine_garden_id: chosen });
      expect(body.warnings[0]).toContain('STIGMEM_QUARANTINE_GARDEN_ID');
    } finally {
      await second.app.close();
      second.deps.db.raw.close();
      nodes.splice(nodes.indexOf(first), 1);
    }
  });

  it('falls back (with a warning) when STIGMEM_QUARANTINE_GARDEN_ID names no quarantine garden', async () => {
    const n = await node({ STIGMEM_QUARANTINE_GARDEN_ID: 'does-not-exist' });
    const body = (await n.req('GET', '/v1/admin/config')).body;
    expect(body).toMatchObject({ quarantine_garden_source: 'builtin', quarantine_garden_id: builtinGardenId(n) });
    expect(body.warnings).toEqual(['STIGMEM_QUARANTINE_GARDEN_ID=does-not-exist names no live garden created with "quarantine": true']);
  });

  it('is for admins only', async () => {
    const n = await node();
    const writer = addKey(n, 'x:w', ['read', 'write', 'federate']);
    expect((await n.req('GET', '/v1/admin/config', undefined, writer)).status).toBe(403);
    expect((await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: null }, writer)).status).toBe(403);
    expect((await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: null }, false)).status).toBe(401);
    const open = await node({ STIGMEM_AUTH_REQUIRED: 'false' });
    expect((await open.req('PATCH', '/v1/admin/config', { quarantine_garden_id: null }, false)).status).toBe(403);
  });

  it('audits a change', async () => {
    const n = await node();
    const id = await quarantineGarden(n, 'audited-q');
    await n.req('PATCH', '/v1/admin/config', { quarantine_garden_id: id });
    const { sql } = await import('../../../src/main/node/db/sql.js');
    const row = n.deps.db.get<{ actor: string; detail: string }>(sql`SELECT actor, detail FROM audit_events WHERE event_type = 'config_changed'`);
    expect(row?.actor).toBe('stigmem://localhost:8765');
    expect(JSON.parse(row!.detail)).toEqual({ previous: null, value: id });
  });

  it.each([
    ['no field', {}],
    ['unknown field', { quarantine_garden_id: null, trust_mode: 'off' }],
    ['number', { quarantine_garden_id: 7 }],
    ['empty string', { quarantine_garden_id: '' }],
    ['object', { quarantine_garden_id: { id: 'x' } }],
    ['too long', { quarantine_garden_id: 'q'.repeat(3000) }],
    ['array body', ['x']],
    ['string body', '"quarantine"'],
  ])('refuses a body with %s (422, never 500)', async (_name, body) => {
    const n = await node();
    const res = await n.req('PATCH', '/v1/admin/config', body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toBeTruthy();
  });
});
