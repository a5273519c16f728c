// The handler map against a real node on a temporary SQLite file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_HANDLERS, displayValue, runAdminOperation } from '../../../src/main/node/console/handlers.js';
import { OPERATION_NAMES, type NodeStatus } from '../../../src/shared/contract.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { insertFact, insertGarden } from './helpers.js';
import { insertKeyRotation } from '../../../src/main/node/rotation/store.js';

let node: TestNode;
beforeEach(async () => {
  node = await makeTestNode();
});
afterEach(async () => {
  await node.close();
});

describe('node:status after a key rotation', () => {
  const DAY = 86_400_000;
  const T0 = Date.parse('2026-11-01T00:00:00Z');
  let now = T0;
  let rotated: TestNode;
  beforeEach(async () => {
    now = T0;
    rotated = await makeTestNode({}, { clock: { nowMs: () => now } });
    const oldKeyId = 'ab12'.repeat(16);
    insertKeyRotation(rotated.deps.db, {
      old_key_id: oldKeyId, old_public_key: 'old-public-key', new_key_id: rotated.deps.keys.org.keyId, new_public_key: rotated.deps.keys.org.publicKey,
      rotated_at: '2026-11-01T00:00:00Z', rotated_at_ms: T0, dual_trust_expires_at: '2027-01-30T00:00:00.000Z', dual_trust_expires_at_ms: T0 + 90 * DAY,
      event: { previous_key_id: oldKeyId, new_key_id: rotated.deps.keys.org.keyId, new_public_key: rotated.deps.keys.org.publicKey, rotated_at: '2026-11-01T00:00:00Z', signature: 'sig' },
    });
  });
  afterEach(async () => {
    await rotated.close();
  });

  it('lists the retired key, by fingerprint, while its dual-trust window is open, and drops it after', async () => {
    now = T0 + 89 * DAY;
    const open = await runAdminOperation(rotated.deps, 'node:status', undefined);
    expect(open.ok && (open.value as NodeStatus).retiredKeys).toEqual([
      { keyId: 'ab12'.repeat(16), fingerprint: 'AB12-AB12-AB12-AB12-AB12-AB12-AB12-AB12', rotatedAt: '2026-11-01T00:00:00Z', trustedUntil: '2027-01-30T00:00:00.000Z' },
    ]);
    now = T0 + 90 * DAY;
    const closed = await runAdminOperation(rotated.deps, 'node:status', undefined);
    expect(closed.ok && (closed.value as NodeStatus).retiredKeys).toEqual([]);
  });
});

describe('the handler map', () => {
  it('has exactly one handler per contract operation', () => {
    expect(Object.keys(ADMIN_HANDLERS).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it('node:status reports identity, configuration and live counts', async () => {
    insertFact(node.deps, { entity: 'e:1', relation: 'rel:a', valueType: 'string', value: 'x' });
    insertFact(node.deps, { entity: 'e:2', relation: 'rel:a', valueType: 'string', value: 'y' });
    insertGarden(node.deps, 'ops');
    insertGarden(node.deps, 'gone', '2026-05-27T00:00:00.000000+00:00');
    const r = await runAdminOperation(node.deps, 'node:status', undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const key = node.deps.keys.org;
    expect(r.value).toMatchObject({
      nodeId: node.deps.nodeId,
      nodeUrl: node.deps.config.nodeUrl,
      version: node.deps.version.product,
      protocolVersion: node.deps.version.protocol,
      isAuthRequired: true,
      isFederationEnabled: false,
      keyCustody: key.custody,
      publicKey: key.publicKey,
      keyId: key.keyId,
      fingerprint: key.fingerprint,
      factCount: 2,
      // The test's garden and the built-in quarantine garden.
      gardenCount: 2,
      dbPath: node.deps.config.dbPath,
    });
    expect((r.value as { fingerprint: string }).fingerprint).toMatch(/^([0-9A-F]{4}-){7}[0-9A-F]{4}$/);
    expect((r.value as { retiredKeys: unknown[] }).retiredKeys).toEqual([]);
    // A key in a file store can be backed up here, and has not been yet.
    expect((r.value as NodeStatus).keyBackup).toEqual({ isPossible: true, lastAt: null });
    expect((r.value as { uptimeSeconds: number }).uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('facts:recent returns the newest facts first, up to the limit', async () => {
    const ids = ['one', 'two', 'three'].map((v, i) => insertFact(node.deps, { entity: `e:${i}`, relation: 'rel:n', valueType: 'string', value: v, scope: 'team' }));
    const r = await runAdminOperation(node.deps, 'facts:recent', { limit: 2 });
    expect(r).toEqual({
      ok: true,
      value: [
        { id: ids[2], entity: 'e:2', relation: 'rel:n', value: 'three', valueType: 'string', source: 'stigmem://test/agent', scope: 'team', timestamp: '2026-05-26T12:00:00.000000+00:00' },
        { id: ids[1], entity: 'e:1', relation: 'rel:n', value: 'two', valueType: 'string', source: 'stigmem://test/agent', scope: 'team', timestamp: '2026-05-26T12:00:00.000000+00:00' },
      ],
    });
    const all = await runAdminOperation(node.deps, 'facts:recent', undefined);
    expect(all.ok && (all.value as unknown[]).length).toBe(3);
  });

  it('identity:publicKey returns public material only', async () => {
    const r = await runAdminOperation(node.deps, 'identity:publicKey', null);
    const key = node.deps.keys.org;
    expect(r).toEqual({ ok: true, value: { publicKey: key.publicKey, keyId: key.keyId, fingerprint: key.fingerprint } });
  });

  it('node:startup is ready on a node that answers (the console and HTTP are served only by a started node)', async () => {
    expect(await runAdminOperation(node.deps, 'node:startup', undefined)).toEqual({ ok: true, value: { phase: 'ready' } });
    const res = await node.req('POST', '/console/api/node:startup', {});
    expect(res.body).toEqual({ ok: true, value: { phase: 'ready' } });
    expect(await runAdminOperation(node.deps, 'node:startup', { phase: 'failed' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('refuses bad arguments and unknown operations as envelopes', async () => {
    expect(await runAdminOperation(node.deps, 'facts:recent', { limit: 'all' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await runAdminOperation(node.deps, 'node:status', { verbose: true })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await runAdminOperation(node.deps, 'keys:private', undefined)).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
    expect(await runAdminOperation(node.deps, '__proto__', undefined)).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
  });

  it('turns a failing handler into internal_error without leaking the cause', async () => {
    const reported: unknown[] = [];
    node.deps.db.raw.exec('DROP TABLE conflicts; DROP TABLE facts');
    const r = await runAdminOperation(node.deps, 'facts:recent', undefined, (e) => reported.push(e));
    expect(r).toEqual({ ok: false, error: { code: 'internal_error', message: 'the node could not complete facts:recent' } });
    expect(reported).toHaveLength(1);
  });
});

describe('displayValue', () => {
  it('shows stored text as it is, and null values as null', () => {
    expect(displayValue('string', 'the release checklist')).toBe('the release checklist');
    expect(displayValue('string', '"quoted"')).toBe('"quoted"');
    expect(displayValue('number', '42.50')).toBe('42.50');
    expect(displayValue('null', '')).toBe('null');
  });
});
