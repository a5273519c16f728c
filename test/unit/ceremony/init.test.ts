// `ceremony init`: the org key goes into the configured store of an empty folder, with its public facts, QR codes and
// a signed record; a folder that already has an identity is refused.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initCeremony } from '../../../src/main/node/ceremony/init.js';
import { verifyCeremonyRecordFile } from '../../../src/main/node/ceremony/record.js';
import { approvalFingerprint, pkcs8PemFromSeed } from '../../../src/main/node/crypto/ed25519.js';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { loadNodeKeys } from '../../../src/main/node/identity/keys.js';
import { getMeta } from '../../../src/main/node/meta.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { fakeKeytar, LOCKED } from '../secrets/fakeKeytar.js';
import { ceremonyFolder, clock, ENTITY, expectFailure, expectOk, removeFolders } from './helpers.js';

afterAll(removeFolders);

describe('initCeremony', () => {
  it('generates the key into the file store, prints its facts, writes the QR codes and a signed record', async () => {
    const f = ceremonyFolder();
    const v = expectOk(await initCeremony({ config: f.config, clock }));
    const raw = Buffer.from(v.publicKey, 'base64url');
    expect(raw).toHaveLength(32);
    expect(v.keyId).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(v.fingerprint).toMatch(/^([0-9A-F]{4}-){7}[0-9A-F]{4}$/);
    expect(v.fingerprint.replace(/-/g, '').toLowerCase()).toBe(v.keyId.slice(0, 32));
    expect(v.approvalFingerprint).toBe(approvalFingerprint(v.publicKey));
    expect(v.nodeId).toBe(`stigmem:node:${v.keyId.slice(0, 32)}`);
    expect(v).toMatchObject({ keyStore: 'file', entityUri: ENTITY, fallbackReason: null, notices: [] });
    expect(v.bundle).toEqual({ entity_uri: ENTITY, public_key: v.publicKey, key_id: v.keyId, node_id: v.nodeId });
    expect(readFileSync(v.qrSvg, 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(readFileSync(v.qrPng).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const record = expectOk(verifyCeremonyRecordFile(v.recordPath, v.publicKey));
    expect(record.steps.map((s) => s.step)).toEqual(['init']);
    expect(readFileSync(v.recordPath, 'utf8')).not.toContain('PRIVATE KEY');
    // The node started on this folder later uses exactly this key and id.
    const db = openDatabase(f.config.dbPath);
    const keys = await loadNodeKeys(f.config, db);
    expect([keys.nodeId, keys.org.publicKey, getMeta(db, 'key_store')]).toEqual([v.nodeId, v.publicKey, 'file']);
    // The audit log begins with the identity, and the node's start does not record it again.
    expect(keys.isGenerated).toBe(false);
    expect(db.all<{ event_type: string; actor: string; subject: string }>(sql`SELECT event_type, actor, subject FROM audit_events`)).toEqual([{ event_type: 'identity_created', actor: v.nodeId, subject: v.keyId }]);
    db.raw.close();
  });

  it('refuses a folder that already has an identity, and a configured key', async () => {
    const f = ceremonyFolder();
    expectOk(await initCeremony({ config: f.config, clock }));
    const before = readdirSync(f.dir).sort();
    expect(expectFailure(await initCeremony({ config: f.config, clock }), 'identity_exists')).toContain('rotate-key');
    expect(readdirSync(f.dir).sort()).toEqual(before);
    const g = ceremonyFolder();
    writeFileSync(join(g.dir, 'k.pem'), pkcs8PemFromSeed(new Uint8Array(32).fill(7)));
    expectFailure(await initCeremony({ config: g.withEnv({ STIGMEM_NODE_PRIVATE_KEY_FILE: join(g.dir, 'k.pem') }), clock }), 'configured_key');
    expectFailure(await initCeremony({ config: g.withEnv({ STIGMEM_DB_PATH: ':memory:' }), clock }), 'config_invalid');
  });

  it('uses STIGMEM_NODE_ID as the node id, as a first start does', async () => {
    const f = ceremonyFolder({ STIGMEM_NODE_ID: 'stigmem:node:org-a-main' });
    expect(expectOk(await initCeremony({ config: f.config, clock })).nodeId).toBe('stigmem:node:org-a-main');
  });

  it('keeps the key only in the keychain when it answers (auto)', async () => {
    const fake = fakeKeytar();
    const f = ceremonyFolder({ STIGMEM_KEY_STORE: 'auto' });
    const v = expectOk(await initCeremony({ config: f.config, clock, keys: { keychain: fake.store() } }));
    expect(v.keyStore).toBe('keychain');
    expect([...fake.items.keys()]).toEqual([`stigmem-desktop-test\u0000${v.nodeId}`]);
    expect(readdirSync(f.dir).filter((n) => n.includes('.identity'))).toEqual([]);
    expect(existsSync(v.qrSvg) && existsSync(v.qrPng)).toBe(true);
  });

  it('falls back from a locked keychain to the file only with a notice (auto), and refuses with keychain_locked when the keychain is required', async () => {
    const fake = fakeKeytar();
    fake.failWrites = LOCKED;
    const auto = ceremonyFolder({ STIGMEM_KEY_STORE: 'auto' });
    const v = expectOk(await initCeremony({ config: auto.config, clock, keys: { keychain: fake.store() } }));
    expect(v).toMatchObject({ keyStore: 'file', fallbackReason: expect.stringContaining('locked') });
    expect(v.notices.join('\n')).toContain('is kept in key file');
    const refused = ceremonyFolder({ STIGMEM_KEY_STORE: 'auto' });
    expectFailure(await initCeremony({ config: refused.config, clock, keys: { keychain: fake.store(), confirmFallback: () => false } }), 'keychain_locked');
    const required = ceremonyFolder({ STIGMEM_KEY_STORE: 'keychain' });
    expectFailure(await initCeremony({ config: required.config, clock, keys: { keychain: fake.store() } }), 'keychain_locked');
    expect(existsSync(join(required.dir, 'stigmem.identity.pem'))).toBe(false);
  });
});
