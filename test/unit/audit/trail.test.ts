// What changes who may act for the organisation is in the audit log, beside the change: the identity's creation, API
// keys minted and revoked (the STIGMEM_ADMIN_KEY one included), manifests published, and gardens and their members.
// Refused attempts change nothing and log nothing here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { createNode } from '../../../src/main/node/runtime.js';
import type { NodeDeps } from '../../../src/main/node/server/deps.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { operationsOn, valueOf } from '../console/helpers.js';
import { VECTOR, testClock } from '../manifests/fixtures.js';

interface Logged {
  event_type: string;
  category: string;
  actor: string | null;
  subject: string | null;
  detail: Record<string, unknown> | null;
}

/** The audit log, oldest first, `types` only when given. */
function logged(deps: NodeDeps, ...types: string[]): Logged[] {
  const rows = deps.db.all<Omit<Logged, 'detail'> & { detail: string | null }>(sql`SELECT event_type, category, actor, subject, detail FROM audit_events ORDER BY seq`);
  return rows.filter((r) => types.length === 0 || types.includes(r.event_type)).map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) }));
}

const ORG = 'stigmem://org-a.example';
const dirs: string[] = [];
const nodes: TestNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function testNode(env: Record<string, string> = {}, opts: Parameters<typeof makeTestNode>[1] = {}): Promise<TestNode> {
  const n = await makeTestNode({ STIGMEM_ENTITY_URI: ORG, ...env }, opts);
  nodes.push(n);
  return n;
}

describe('the identity and the admin key in the audit log', () => {
  it('records the identity once, when its key is generated, and the STIGMEM_ADMIN_KEY key as it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-trail-'));
    dirs.push(dir);
    const start = async (adminKey: string) => {
      const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db'), STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: ORG, STIGMEM_ADMIN_KEY: adminKey });
      const node = await createNode(config);
      const events = logged(node.deps, 'identity_created', 'api_key_created', 'api_key_reinstated');
      const ids = { nodeId: node.deps.nodeId, keyId: node.deps.keys.org.keyId };
      await node.app.close();
      node.deps.db.raw.close();
      return { events, ...ids };
    };
    const first = await start('first-admin-key-0123456789abcdef0123');
    expect(first.events).toEqual([
      { event_type: 'identity_created', category: 'identity', actor: first.nodeId, subject: first.keyId, detail: { key_store: 'file', key_location: expect.stringContaining(dir), fallback_reason: null } },
      { event_type: 'api_key_created', category: 'admin', actor: 'STIGMEM_ADMIN_KEY', subject: expect.any(String), detail: { entity_uri: ORG, bootstrap: true, retired_keys: 0 } },
    ]);
    // The same key on a later start: nothing new.
    expect((await start('first-admin-key-0123456789abcdef0123')).events).toEqual(first.events);
    // A new admin key retires the old one; going back to the first reinstates it and retires the second.
    const second = await start('second-admin-key-0123456789abcdef012');
    expect(second.events.slice(2)).toEqual([{ event_type: 'api_key_created', category: 'admin', actor: 'STIGMEM_ADMIN_KEY', subject: expect.any(String), detail: { entity_uri: ORG, bootstrap: true, retired_keys: 1 } }]);
    const back = await start('first-admin-key-0123456789abcdef0123');
    expect(back.events.slice(3)).toEqual([{ event_type: 'api_key_reinstated', category: 'admin', actor: 'STIGMEM_ADMIN_KEY', subject: first.events[1]!.subject, detail: { entity_uri: ORG, bootstrap: true, retired_keys: 1 } }]);
    // Never the key itself.
    expect(JSON.stringify([first, second, back])).not.toMatch(/admin-key-0123/);
  });

  it('records no identity_created for a key supplied by the environment', async () => {
    const n = await testNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed });
    expect(logged(n.deps, 'identity_created')).toEqual([]);
  });
});

describe('API keys in the audit log', () => {
  it('records a key minted and revoked, by whom, without its value; a refused mint or revoke logs nothing', async () => {
    const n = await testNode();
    const rawKey = 'minted-key-value-0123456789abcdef0123456789';
    const minted = await n.req('POST', '/v1/auth/keys', { raw_key: rawKey, entity_uri: 'stigmem://org-a.example/agent/bot', permissions: ['read', 'write'] });
    expect(minted.status).toBe(201);
    expect((await n.req('POST', '/v1/auth/keys', { raw_key: rawKey, entity_uri: 'stigmem://org-a.example/agent/bot' })).status).toBe(409);
    expect((await n.req('POST', '/v1/auth/keys', { raw_key: 'another-key-value-0123456789abcdef0123', entity_uri: ORG }, rawKey)).status).toBe(403);
    expect((await n.req('DELETE', `/v1/auth/keys/${minted.body.id}`)).status).toBe(204);
    expect((await n.req('DELETE', `/v1/auth/keys/${minted.body.id}`)).status).toBe(404);
    const events = logged(n.deps, 'api_key_created', 'api_key_revoked').filter((e) => e.actor !== 'STIGMEM_ADMIN_KEY');
    expect(events).toEqual([
      { event_type: 'api_key_created', category: 'admin', actor: ORG, subject: minted.body.id, detail: { entity_uri: 'stigmem://org-a.example/agent/bot', permissions: ['read', 'write'], expires_at: minted.body.expires_at } },
      { event_type: 'api_key_revoked', category: 'admin', actor: ORG, subject: minted.body.id, detail: { entity_uri: 'stigmem://org-a.example/agent/bot' } },
    ]);
    expect(JSON.stringify(logged(n.deps))).not.toContain(rawKey);
  });
});

describe('manifests in the audit log', () => {
  it('records a published manifest with its key and log index; a refused one logs nothing', async () => {
    const n = await testNode({ STIGMEM_NODE_PRIVATE_KEY: VECTOR.seed, STIGMEM_ENTITY_URI: VECTOR.body['entity_uri'] as string }, { clock: testClock() });
    expect((await n.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: 'not-a-signature' })).status).toBe(422);
    expect(logged(n.deps, 'manifest_published')).toEqual([]);
    const res = await n.req('PUT', '/v1/federation/manifest', { ...VECTOR.body, signature: '__self_sign__' });
    expect(res.status).toBe(200);
    expect(logged(n.deps, 'manifest_published')).toEqual([
      {
        event_type: 'manifest_published', category: 'identity', actor: VECTOR.body['entity_uri'], subject: VECTOR.body['entity_uri'],
        detail: { key_id: res.body.key_id, log_index: res.body.log_entry.log_index, expires_at: res.body.expires_at, entities: VECTOR.body['entities'] },
      },
    ]);
  });
});

describe('gardens in the audit log', () => {
  it('records a garden created and deleted, members added, re-roled and removed; refusals log nothing', async () => {
    const n = await testNode();
    const g = (await n.req('POST', '/v1/gardens', { slug: 'research', name: 'Research', scope: 'team' })).body;
    const bob = encodeURIComponent('stigmem://org-a.example/agent/bob');
    expect((await n.req('POST', '/v1/gardens/research/members', { entity_uri: 'stigmem://org-a.example/agent/bob', role: 'reader' })).status).toBe(201);
    expect((await n.req('POST', '/v1/gardens/research/members', { entity_uri: 'stigmem://org-a.example/agent/bob', role: 'reader' })).status).toBe(409);
    expect((await n.req('PATCH', `/v1/gardens/research/members/${bob}`, { role: 'writer' })).status).toBe(200);
    expect((await n.req('PATCH', `/v1/gardens/research/members/${bob}`, { role: 'writer' })).status).toBe(200);
    // The last admin cannot be demoted or removed.
    expect((await n.req('PATCH', `/v1/gardens/research/members/${encodeURIComponent(ORG)}`, { role: 'reader' })).status).toBe(403);
    expect((await n.req('DELETE', `/v1/gardens/research/members/${encodeURIComponent(ORG)}`)).status).toBe(403);
    expect((await n.req('DELETE', `/v1/gardens/research/members/${bob}`)).status).toBe(204);
    expect((await n.req('DELETE', '/v1/gardens/research')).status).toBe(204);
    const at = (detail: Record<string, unknown> = {}) => ({ category: 'admin', actor: ORG, subject: g.id, detail: { slug: 'research', ...detail } });
    expect(logged(n.deps).filter((e) => e.event_type.startsWith('garden_'))).toEqual([
      { event_type: 'garden_created', ...at({ scope: 'team', quarantine: false }) },
      { event_type: 'garden_member_added', ...at({ entity_uri: 'stigmem://org-a.example/agent/bob', role: 'reader' }) },
      { event_type: 'garden_member_role_changed', ...at({ entity_uri: 'stigmem://org-a.example/agent/bob', previous: 'reader', role: 'writer' }) },
      { event_type: 'garden_member_removed', ...at({ entity_uri: 'stigmem://org-a.example/agent/bob', role: 'writer' }) },
      { event_type: 'garden_deleted', ...at() },
    ]);
    // The Audit screen lists them under their area.
    const listed = valueOf(await operationsOn(() => n.deps)<{ events: { eventType: string }[] }>('audit:list', { category: 'admin' }));
    expect(listed.events.map((e) => e.eventType).filter((t) => t.startsWith('garden_'))).toEqual(['garden_deleted', 'garden_member_removed', 'garden_member_role_changed', 'garden_member_added', 'garden_created']);
    // ... or only one type of event; a type that is not an event name is refused.
    const only = valueOf(await operationsOn(() => n.deps)<{ events: { eventType: string; subject: string }[] }>('audit:list', { eventType: 'garden_member_added' }));
    expect(only.events).toEqual([expect.objectContaining({ eventType: 'garden_member_added', subject: g.id })]);
    for (const eventType of ['', 'Garden', "x' OR 1=1", 'x'.repeat(65), 7]) {
      expect(await operationsOn(() => n.deps)('audit:list', { eventType }), String(eventType)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
  });
});
