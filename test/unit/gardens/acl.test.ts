// Garden lookup and the admin/view rules, on a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousPrincipal, type Permission, type Principal } from '../../../src/main/node/auth/permissions.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { findGarden, gardenAdminRefusal, gardenViewRefusal } from '../../../src/main/node/gardens/acl.js';
import { quarantineGardenHasPendingFacts } from '../../../src/main/node/gardens/pending.js';
import { insertGarden, insertMember, listGardens } from '../../../src/main/node/gardens/store.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

const who = (entityUri: string, ...perms: Permission[]): Principal => ({ kind: 'api_key', entityUri, permissions: new Set(perms), apiKeyId: 'k' });
let node: TestNode;
let a: { id: string };
let b: { id: string };

beforeAll(async () => {
  node = await makeTestNode();
  const { db } = node.deps;
  const base = { name: 'n', scope: 'company' as const, description: null, quarantine: false, createdBy: 'x:alice', createdAt: '2026-01-01T00:00:00.000000+00:00' };
  a = insertGarden(db, { ...base, slug: 'alpha' });
  // A slug shaped like garden alpha's id: lookups by that id must still find alpha.
  b = insertGarden(db, { ...base, slug: a.id, createdBy: 'x:bob' });
  insertMember(db, a.id, { entity_uri: 'x:reader', role: 'reader', added_by: 'x:alice', added_at: base.createdAt });
});
afterAll(async () => node.close());

describe('findGarden', () => {
  it('prefers an id match over a slug match', () => {
    expect(findGarden(node.deps.db, a.id)?.slug).toBe('alpha');
    expect(findGarden(node.deps.db, 'stigmem://h/garden/alpha')?.id).toBe(a.id);
    expect(findGarden(node.deps.db, b.id)?.id).toBe(b.id);
  });
});

describe('garden rules', () => {
  it('lets garden admins and node admins administer, nobody else', () => {
    expect(gardenAdminRefusal(node.deps.db, who('x:alice', 'read'), a.id)).toBeNull();
    expect(gardenAdminRefusal(node.deps.db, who('x:root', 'admin'), a.id)).toBeNull();
    expect(gardenAdminRefusal(node.deps.db, who('x:reader', 'read', 'write'), a.id)).toBe('garden admin permission required');
    expect(gardenAdminRefusal(node.deps.db, who('x:bob', 'write'), a.id)).toBe('garden admin permission required');
    expect(gardenAdminRefusal(node.deps.db, anonymousPrincipal(), a.id)).toBe('garden admin permission required');
  });

  it('lets members and write holders view', () => {
    expect(gardenViewRefusal(node.deps.db, who('x:reader', 'read'), a.id)).toBeNull();
    expect(gardenViewRefusal(node.deps.db, who('x:stranger', 'read', 'write'), a.id)).toBeNull();
    expect(gardenViewRefusal(node.deps.db, who('x:stranger', 'read'), a.id)).toBe('not a member of this garden');
  });

  it('lists member gardens only', () => {
    expect(listGardens(node.deps.db, 'x:reader').map((g) => g.id)).toEqual([a.id]);
    // Every live garden, oldest first (a node may also hold gardens of its own, such as a built-in quarantine garden).
    expect(listGardens(node.deps.db, null).map((g) => g.id).filter((id) => id === a.id || id === b.id)).toEqual([a.id, b.id]);
  });

  it('counts facts routed into a quarantine garden as pending', () => {
    expect(quarantineGardenHasPendingFacts(node.deps.db, a.id)).toBe(false);
    node.deps.db.run(sql`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope, quarantine_garden_id)
      VALUES ('f1', 'sha256:f1', 'e:x', 'r:y', 'string', 'v', 's:z', '2026-01-01T00:00:00+00:00', '1.0', 0.5, 'company', ${a.id})`);
    expect(quarantineGardenHasPendingFacts(node.deps.db, a.id)).toBe(true);
    expect(quarantineGardenHasPendingFacts(node.deps.db, b.id)).toBe(false);
  });
});
