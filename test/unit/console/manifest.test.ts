// The Manifest screen's operations: this node's current manifest, and publishing one signed by the org key through
// the same publication as the route (logged, served at the well-known path, one quota for both doors).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationsOn, valueOf } from './helpers.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from '../../../src/main/node/db/sql.js';
import { validateExportManifest, validatePublishManifest, type ExportedManifest, type ManifestState } from '../../../src/shared/manifest.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

const ORG = 'stigmem://org-a.example';
let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_ENTITY_URI: ORG, STIGMEM_TRUST_MODE: 'strict' });
});
afterEach(async () => n.close());

const op = operationsOn(() => n.deps);
const value = valueOf;

describe('manifest operation arguments', () => {
  it('take 1 to 100 entity URIs and one of the offered validities', () => {
    expect(validatePublishManifest({ entities: [` ${ORG} `, ORG, `${ORG}/agent/a`], validDays: 90 })).toEqual({ ok: true, value: { entities: [ORG, `${ORG}/agent/a`], validDays: 90 } });
    const hostile: unknown[] = [
      null, { entities: [], validDays: 90 }, { entities: [ORG], validDays: 91 }, { entities: [ORG], validDays: '90' }, { entities: ['not a uri'], validDays: 90 }, { entities: ['a b:c'], validDays: 90 },
      { entities: [7], validDays: 90 }, { entities: ORG, validDays: 90 }, { entities: Array.from({ length: 101 }, (_, i) => `${ORG}/e/${i}`), validDays: 90 }, { entities: [ORG], validDays: 90, signature: 'x' },
    ];
    for (const arg of hostile) expect(validatePublishManifest(arg).ok, JSON.stringify(arg)?.slice(0, 60)).toBe(false);
  });
});

describe('manifest operations', () => {
  it('show none, publish one signed by the org key, and serve it where peers fetch it', async () => {
    const before = value(await op<ManifestState>('manifest:current'));
    expect(before).toMatchObject({ entityUri: ORG, publicKey: n.deps.keys.org.publicKey, fingerprint: n.deps.keys.org.fingerprint, current: null });
    const after = value(await op<ManifestState>('manifest:publish', { entities: [ORG, `${ORG}/agent/a`], validDays: 365 }));
    expect(after.current).toMatchObject({ entities: [ORG, `${ORG}/agent/a`], rotationCount: 0, publishedBy: ORG });
    expect(Date.parse(after.current!.expiresAt) - Date.parse(after.current!.issuedAt)).toBe(365 * 86_400_000);
    const served = await n.req('GET', '/.well-known/stigmem-manifest.json', undefined, false);
    expect(served.body).toMatchObject({ entity_uri: ORG, public_key: n.deps.keys.org.publicKey, entities: [ORG, `${ORG}/agent/a`], log_entry: { log_index: after.current!.logIndex } });
    // An update: a later log entry, the new entity list.
    const updated = value(await op<ManifestState>('manifest:publish', { entities: [ORG], validDays: 30 }));
    expect(updated.current!.logIndex).toBeGreaterThan(after.current!.logIndex);
    expect(value(await op<ManifestState>('manifest:current')).current!.entities).toEqual([ORG]);
  });

  it('share one publication quota with PUT /v1/federation/manifest, refusing in the node\'s words', async () => {
    for (let i = 0; i < 10; i++) expect((await op('manifest:publish', { entities: [ORG], validDays: 30 })).ok, `publication ${i + 1}`).toBe(true);
    expect(await op('manifest:publish', { entities: [ORG], validDays: 30 })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const put = await n.req('PUT', '/v1/federation/manifest', {
      manifest_version: 1, entity_uri: ORG, public_key: n.deps.keys.org.publicKey, key_id: n.deps.keys.org.keyId, entities: [ORG], rotation_events: [],
      issued_at: iso(Date.now()), expires_at: iso(Date.now() + 30 * 86_400_000), signature: '__self_sign__',
    });
    expect(put.status).toBe(429);
  });
});

describe('signing a manifest to a file', () => {
  it('takes the publish arguments plus a path and an overwrite flag', () => {
    expect(validateExportManifest({ entities: [ORG], validDays: 30, path: ' /m/manifest.json ' })).toEqual({ ok: true, value: { entities: [ORG], validDays: 30, path: '/m/manifest.json', overwrite: false } });
    const hostile: unknown[] = [{ entities: [ORG], validDays: 30 }, { entities: [ORG], validDays: 30, path: '' }, { entities: [ORG], validDays: 30, path: 7 }, { entities: [], validDays: 30, path: '/m' }, { entities: [ORG], validDays: 31, path: '/m' }, { entities: [ORG], validDays: 30, path: '/m', overwrite: 1 }, { entities: [ORG], validDays: 30, path: '/m', url: 'x' }];
    for (const arg of hostile) expect(validateExportManifest(arg).ok, JSON.stringify(arg)).toBe(false);
  });

  it('writes a manifest another node accepts as PUT, records the step and audits it, publishing nothing here', async () => {
    const state = value(await op<ManifestState>('manifest:current'));
    expect(state.suggestedExportPath).toMatch(new RegExp(`^${n.dir}/manifest-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const path = join(n.dir, 'signed.json');
    const done = value(await op<ExportedManifest>('manifest:export', { entities: [ORG, `${ORG}/agent/a`], validDays: 90, path }));
    expect(done).toMatchObject({ path, entityUri: ORG, entities: [ORG, `${ORG}/agent/a`], recordPath: join(n.dir, 'ceremony-record.jsonl') });
    const text = readFileSync(path, 'utf8');
    expect(done.sha256).toBe(`sha256:${(await import('node:crypto')).createHash('sha256').update(text).digest('hex')}`);
    expect(value(await op<ManifestState>('manifest:current')).current).toBeNull();
    expect(readFileSync(done.recordPath, 'utf8')).toContain('"step":"manifest_sign"');
    expect(n.deps.db.all(sql`SELECT subject FROM audit_events WHERE event_type = 'manifest_exported'`)).toEqual([{ subject: ORG }]);
    // The node that publishes it: another node accepts the file as it is, and serves it for this organisation.
    const other = await makeTestNode({ STIGMEM_TRUST_MODE: 'strict' });
    try {
      const put = await other.req('PUT', '/v1/federation/manifest', text);
      expect(put.status, put.text).toBe(200);
      expect((await other.req('GET', `/v1/federation/manifest/${encodeURIComponent(ORG)}`, undefined, false)).body).toMatchObject({ entity_uri: ORG, public_key: n.deps.keys.org.publicKey });
    } finally {
      await other.close();
    }
  });

  it('replaces an earlier signed manifest only when asked, never another file, and wants a full path', async () => {
    const path = join(n.dir, 'signed.json');
    value(await op('manifest:export', { entities: [ORG], validDays: 30, path }));
    expect(await op('manifest:export', { entities: [ORG], validDays: 30, path })).toMatchObject({ ok: false, error: { code: 'file_exists' } });
    expect((await op('manifest:export', { entities: [ORG], validDays: 90, path, overwrite: true })).ok).toBe(true);
    const notes = join(n.dir, 'notes.txt');
    writeFileSync(notes, 'keep me\n');
    expect(await op('manifest:export', { entities: [ORG], validDays: 30, path: notes, overwrite: true })).toMatchObject({ ok: false, error: { code: 'file_exists', message: expect.stringContaining('never replaced') } });
    expect(readFileSync(notes, 'utf8')).toBe('keep me\n');
    expect(await op('manifest:export', { entities: [ORG], validDays: 30, path: 'relative.json' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(existsSync(join(n.dir, 'relative.json'))).toBe(false);
  });
});
