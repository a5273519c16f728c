// Garden CRUD and membership over HTTP, on an auth-required node with keys for distinct entities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/main/node/db/sql.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

const ALICE = 'stigmem://localhost:8100/user/alice';
const BOB = 'stigmem://localhost:8100/user/bob';
const CAROL = 'stigmem://localhost:8100/user/carol';
const KEYS = { alice: 'alice-key-0123456789abcdef0123456789', bob: 'bob-key-0123456789abcdef012345678901', carol: 'carol-key-0123456789abcdef0123456789', writer: 'writer-key-0123456789abcdef01234567' };

let node: TestNode;

async function mintKey(raw: string, entity: string, permissions: string[]): Promise<void> {
  const res = await node.req('POST', '/v1/auth/keys', { raw_key: raw, entity_uri: entity, permissions });
  expect(res.status, res.text).toBe(201);
}

async function createGarden(slug: string, auth?: string, extra: Record<string, unknown> = {}) {
  return node.req('POST', '/v1/gardens', { slug, name: `Garden ${slug}`, ...extra }, auth);
}

beforeAll(async () => {
  node = await makeTestNode({ STIGMEM_NODE_URL: 'http://localhost:8100', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' });
  await mintKey(KEYS.alice, ALICE, ['read', 'write']);
  await mintKey(KEYS.bob, BOB, ['read']);
  await mintKey(KEYS.carol, CAROL, ['read']);
  await mintKey(KEYS.writer, 'stigmem://localhost:8100/user/wanda', ['read', 'write']);
});
afterAll(async () => node.close());

describe('POST /v1/gardens', () => {
  it('creates a garden whose creator is its first admin', async () => {
    const res = await createGarden('  Team-Alpha ', KEYS.alice, { description: 'the alpha team' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      garden_id: 'stigmem://localhost:8100/garden/team-alpha', slug: 'team-alpha', name: 'Garden   Team-Alpha ', scope: 'company',
      description: 'the alpha team', created_by: ALICE, quarantine: false,
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    expect(res.body.members).toEqual([{ entity_uri: ALICE, role: 'admin', added_by: ALICE, added_at: res.body.created_at }]);
    expect(Object.keys(res.body)).toEqual(['id', 'garden_id', 'slug', 'name', 'scope', 'description', 'created_by', 'created_at', 'members', 'quarantine']);
  });

  it('binds the admin key to the org entity, and keeps quarantine and description defaults', async () => {
    const res = await createGarden('org-garden', undefined, { scope: 'public', quarantine: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created_by: 'stigmem://org-a.example', scope: 'public', quarantine: true, description: null });
  });

  it('refuses a slug outside the pattern with the reference detail', async () => {
    for (const slug of ['Invalid_Slug!', '-leading', 'a b', 'ünï']) {
      const res = await createGarden(slug, KEYS.alice);
      expect(res.status, slug).toBe(422);
      expect(res.body.detail).toBe('slug must match ^[a-z0-9][a-z0-9\\-]{0,62}$');
    }
  });

  it('refuses a bad scope, an empty name, an empty or 64-character slug with 422', async () => {
    const cases = [
      { slug: 'x1', name: 'n', scope: 'universe' },
      { slug: 'x2', name: '' },
      { slug: '', name: 'n' },
      { slug: 'a'.repeat(64), name: 'n' },
    ];
    for (const body of cases) {
      const res = await node.req('POST', '/v1/gardens', body, KEYS.alice);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(Array.isArray(res.body.detail)).toBe(true);
    }
    expect((await createGarden('a'.repeat(63), KEYS.alice)).status).toBe(201);
  });

  it('needs write permission', async () => {
    const res = await createGarden('bobs', KEYS.bob);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('write permission required');
  });

  it('refuses a duplicate live slug, in any case', async () => {
    const res = await createGarden('TEAM-ALPHA', KEYS.writer);
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('slug already exists');
  });
});

describe('reading gardens', () => {
  let betaId: string;
  beforeAll(async () => {
    const res = await createGarden('team-beta', KEYS.alice);
    betaId = res.body.id;
    expect((await node.req('POST', '/v1/gardens/team-beta/members', { entity_uri: BOB, role: 'reader' }, KEYS.alice)).status).toBe(201);
  });

  it('lists every garden for node admins and write keys, members omitted', async () => {
    for (const auth of [undefined, KEYS.writer]) {
      const res = await node.req('GET', '/v1/gardens', undefined, auth);
      expect(res.status).toBe(200);
      const slugs = (res.body as { slug: string; members: unknown[] }[]).map((g) => g.slug);
      expect(slugs).toEqual(expect.arrayContaining(['team-alpha', 'org-garden', 'team-beta']));
      expect((res.body as { members: unknown[] }[]).every((g) => g.members.length === 0)).toBe(true);
    }
  });

  it('lists only member gardens for read-only callers', async () => {
    const bob = await node.req('GET', '/v1/gardens', undefined, KEYS.bob);
    expect(bob.body.map((g: { slug: string }) => g.slug)).toEqual(['team-beta']);
    const carol = await node.req('GET', '/v1/gardens', undefined, KEYS.carol);
    expect(carol.body).toEqual([]);
  });

  it('finds a garden by slug, id or garden URI, with members', async () => {
    for (const ref of ['team-beta', 'TEAM-BETA', betaId, encodeURIComponent('stigmem://localhost:8100/garden/team-beta')]) {
      const res = await node.req('GET', `/v1/gardens/${ref}`, undefined, KEYS.bob);
      expect(res.status, ref).toBe(200);
      expect(res.body.id).toBe(betaId);
      expect(res.body.members.map((m: { entity_uri: string }) => m.entity_uri)).toEqual([ALICE, BOB]);
    }
  });

  it('answers 404 for an unknown garden and 403 for a non-member without write', async () => {
    const missing = await node.req('GET', '/v1/gardens/no-such-garden');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('garden not found');
    const carol = await node.req('GET', '/v1/gardens/team-beta', undefined, KEYS.carol);
    expect(carol.status).toBe(403);
    expect(carol.body.detail).toBe('not a member of this garden');
    expect((await node.req('GET', '/v1/gardens/team-beta/members', undefined, KEYS.carol)).status).toBe(403);
  });

  it('lists members as a bare list', async () => {
    const res = await node.req('GET', '/v1/gardens/team-beta/members', undefined, KEYS.bob);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({ entity_uri: ALICE, role: 'admin', added_by: ALICE }),
      expect.objectContaining({ entity_uri: BOB, role: 'reader', added_by: ALICE }),
    ]);
  });
});

describe('membership', () => {
  beforeAll(async () => {
    expect((await createGarden('team-gamma', KEYS.alice)).status).toBe(201);
  });
  const memberPath = (uri: string) => `/v1/gardens/team-gamma/members/${encodeURIComponent(uri)}`;

  it('adds a member (default role reader) and refuses a duplicate', async () => {
    const res = await node.req('POST', '/v1/gardens/team-gamma/members', { entity_uri: BOB }, KEYS.alice);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ entity_uri: BOB, role: 'reader', added_by: ALICE, added_at: expect.any(String) });
    const dup = await node.req('POST', '/v1/gardens/team-gamma/members', { entity_uri: BOB, role: 'writer' }, KEYS.alice);
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toBe("entity is already a member with role 'reader'; use PATCH to change role");
  });

  it('refuses membership changes from anyone but a garden admin or node admin', async () => {
    const byBob = await node.req('POST', '/v1/gardens/team-gamma/members', { entity_uri: CAROL, role: 'reader' }, KEYS.bob);
    expect(byBob.status).toBe(403);
    expect(byBob.body.detail).toBe('garden admin permission required');
    // Node write does not make a garden admin.
    expect((await node.req('PATCH', memberPath(BOB), { role: 'writer' }, KEYS.writer)).status).toBe(403);
    expect((await node.req('DELETE', memberPath(BOB), undefined, KEYS.writer)).status).toBe(403);
    // The node admin key may manage any garden.
    const byAdmin = await node.req('POST', '/v1/gardens/team-gamma/members', { entity_uri: CAROL, role: 'quarantine:moderator' }, undefined);
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.added_by).toBe('stigmem://org-a.example');
  });

  it('changes a role through an encoded or a raw entity URI path', async () => {
    const encoded = await node.req('PATCH', memberPath(BOB), { role: 'writer' }, KEYS.alice);
    expect(encoded.status).toBe(200);
    expect(encoded.body).toMatchObject({ entity_uri: BOB, role: 'writer', added_by: ALICE });
    const raw = await node.req('PATCH', `/v1/gardens/team-gamma/members/${BOB}`, { role: 'reader' }, KEYS.alice);
    expect(raw.status, raw.text).toBe(200);
    expect(raw.body.role).toBe('reader');
    const one = await node.req('GET', memberPath(BOB), undefined, KEYS.bob);
    expect(one.body).toMatchObject({ entity_uri: BOB, role: 'reader' });
  });

  it('refuses a bad role and unknown members', async () => {
    const bad = await node.req('PATCH', memberPath(BOB), { role: 'owner' }, KEYS.alice);
    expect(bad.status).toBe(422);
    const addBad = await node.req('POST', '/v1/gardens/team-gamma/members', { entity_uri: 'x:y', role: 'owner' }, KEYS.alice);
    expect(addBad.status).toBe(422);
    for (const [method, body] of [['PATCH', { role: 'writer' }], ['DELETE', undefined], ['GET', undefined]] as const) {
      const res = await node.req(method, memberPath('stigmem://nobody'), body, KEYS.alice);
      expect(res.status, method).toBe(404);
      expect(res.body.detail).toBe('member not found');
    }
    const noGarden = await node.req('POST', '/v1/gardens/nowhere/members', { entity_uri: BOB }, KEYS.alice);
    expect(noGarden.status).toBe(404);
    expect(noGarden.body.detail).toBe('garden not found');
  });

  it('never leaves a garden without an admin', async () => {
    const demote = await node.req('PATCH', memberPath(ALICE), { role: 'writer' }, KEYS.alice);
    expect(demote.status).toBe(403);
    expect(demote.body.detail).toBe('cannot remove or demote the last admin; promote another member first');
    expect((await node.req('DELETE', memberPath(ALICE), undefined, KEYS.alice)).status).toBe(403);
    expect((await node.req('PATCH', memberPath(BOB), { role: 'admin' }, KEYS.alice)).status).toBe(200);
    expect((await node.req('PATCH', memberPath(ALICE), { role: 'writer' }, KEYS.alice)).status).toBe(200);
    // Alice is no longer an admin of the garden, so she cannot manage it.
    expect((await node.req('DELETE', memberPath(CAROL), undefined, KEYS.alice)).status).toBe(403);
    expect((await node.req('DELETE', memberPath(CAROL), undefined, KEYS.bob)).status).toBe(204);
    expect((await node.req('DELETE', memberPath(BOB), undefined, KEYS.bob)).status).toBe(403);
    const members = await node.req('GET', '/v1/gardens/team-gamma/members', undefined, KEYS.bob);
    expect(members.body.map((m: { entity_uri: string; role: string }) => `${m.entity_uri}=${m.role}`)).toEqual([`${ALICE}=writer`, `${BOB}=admin`]);
  });
});

describe('DELETE /v1/gardens/{slug_or_id}', () => {
  it('needs the garden admin role (or node admin)', async () => {
    expect((await createGarden('doomed', KEYS.alice)).status).toBe(201);
    expect((await node.req('POST', '/v1/gardens/doomed/members', { entity_uri: BOB, role: 'writer' }, KEYS.alice)).status).toBe(201);
    const byBob = await node.req('DELETE', '/v1/gardens/doomed', undefined, KEYS.bob);
    expect(byBob.status).toBe(403);
    expect(byBob.body.detail).toBe('garden admin permission required');
    expect((await node.req('DELETE', '/v1/gardens/doomed', undefined, KEYS.writer)).status).toBe(403);
    const byAlice = await node.req('DELETE', '/v1/gardens/doomed', undefined, KEYS.alice);
    expect(byAlice.status).toBe(204);
    expect(byAlice.text).toBe('');
    expect((await node.req('GET', '/v1/gardens/doomed')).status).toBe(404);
    expect((await node.req('DELETE', '/v1/gardens/doomed')).status).toBe(404);
  });

  it('frees the slug and keeps the facts that name the old garden', async () => {
    const first = await createGarden('reused', KEYS.alice);
    const { db } = node.deps;
    db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope, garden_id)
      VALUES ('f-reused', 'sha256:reused', 'e:x', 'r:y', 'string', 'v', 's:z', '2026-01-01T00:00:00+00:00', '1.0', 1.0, 'company', ${first.body.id})`);
    expect((await node.req('DELETE', `/v1/gardens/${first.body.id}`)).status).toBe(204);
    const second = await createGarden('reused', KEYS.writer);
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(db.get<{ garden_id: string }>(sql`SELECT garden_id FROM facts WHERE id = 'f-reused'`)?.garden_id).toBe(first.body.id);
    // The new garden's members are its own: the old garden's admin has no role in it.
    expect(second.body.members.map((m: { entity_uri: string }) => m.entity_uri)).toEqual(['stigmem://localhost:8100/user/wanda']);
    expect((await node.req('GET', '/v1/gardens/reused', undefined, KEYS.alice)).body.id).toBe(second.body.id);
  });

  it('refuses to delete a quarantine garden that still holds pending facts', async () => {
    const q = await createGarden('inbound-q', KEYS.alice, { quarantine: true });
    node.deps.db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope, quarantine_garden_id)
      VALUES ('f-pending', 'sha256:pending', 'e:x', 'r:y', 'string', 'v', 's:z', '2026-01-01T00:00:00+00:00', '1.0', 0.5, 'company', ${q.body.id})`);
    const res = await node.req('DELETE', '/v1/gardens/inbound-q', undefined, KEYS.alice);
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('quarantine_has_pending_facts');
    expect((await node.req('GET', '/v1/gardens/inbound-q', undefined, KEYS.alice)).status).toBe(200);
    const empty = await createGarden('empty-q', KEYS.alice, { quarantine: true });
    expect((await node.req('DELETE', `/v1/gardens/${empty.body.id}`, undefined, KEYS.alice)).status).toBe(204);
  });
});

describe('auth-disabled node', () => {
  it('lets anonymous callers act as anon:trusted, the creator and admin of their gardens', async () => {
    const open = await makeTestNode({ STIGMEM_AUTH_REQUIRED: 'false', STIGMEM_NODE_URL: 'http://testnode' });
    try {
      const res = await open.req('POST', '/v1/gardens', { slug: 'anon', name: 'Anon' }, false);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ garden_id: 'stigmem://testnode/garden/anon', created_by: 'anon:trusted', members: [{ entity_uri: 'anon:trusted', role: 'admin' }] });
      expect((await open.req('GET', '/v1/gardens', undefined, false)).body.map((g: { slug: string }) => g.slug)).toContain('anon');
      expect((await open.req('DELETE', '/v1/gardens/anon', undefined, false)).status).toBe(204);
    } finally {
      await open.close();
    }
  });

  it('needs credentials when auth is required', async () => {
    const res = await node.req('GET', '/v1/gardens', undefined, false);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Authorization header required');
  });
});
