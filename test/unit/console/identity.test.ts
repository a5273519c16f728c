// The Keys screen's operations against real nodes with their key in a file store: the public identity and its QR
// bundle, a sealed backup that opens again with its passphrase, the ceremony record it extends, and every refusal.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBackupPublicKey, parseBackupFile } from '../../../src/main/node/ceremony/backupFile.js';
import { seedFromPkcs8Pem } from '../../../src/main/node/crypto/ed25519.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { identityPemPath } from '../../../src/main/node/secrets/files.js';
import { validateBackupInput, type BackupDone, type IdentityOverview } from '../../../src/shared/identity.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { operationsOn, valueOf } from './helpers.js';

const ORG = 'stigmem://org-a.example';
const GOOD = 'Seven green Lanterns 42';
let n: TestNode;
beforeEach(async () => {
  n = await makeTestNode({ STIGMEM_ENTITY_URI: ORG });
});
afterEach(async () => n.close());

const op = operationsOn(() => n.deps);

describe('backup arguments', () => {
  it('take a path, a passphrase and an optional overwrite flag, nothing else', () => {
    expect(validateBackupInput({ path: ' /tmp/a.backup ', passphrase: GOOD })).toEqual({ ok: true, value: { path: '/tmp/a.backup', passphrase: GOOD, overwrite: false } });
    const hostile: unknown[] = [
      null, 'x', [], {}, { path: '/tmp/a', passphrase: '' }, { path: '', passphrase: GOOD }, { path: 7, passphrase: GOOD }, { path: '/tmp/a', passphrase: 7 },
      { path: '/tmp/a\u0000b', passphrase: GOOD }, { path: '/'.repeat(5000), passphrase: GOOD }, { path: '/tmp/a', passphrase: 'x'.repeat(1025) },
      { path: '/tmp/a', passphrase: GOOD, overwrite: 'yes' }, { path: '/tmp/a', passphrase: GOOD, force: true },
    ];
    for (const arg of hostile) expect(validateBackupInput(arg).ok, JSON.stringify(arg)?.slice(0, 60)).toBe(false);
  });
});

describe('first-run arguments', () => {
  it('take a new identity, or a restore with a path and a passphrase', async () => {
    const { validateFirstRunChoice } = await import('../../../src/shared/identity.js');
    expect(validateFirstRunChoice({ choice: 'new' })).toEqual({ ok: true, value: { choice: 'new' } });
    expect(validateFirstRunChoice({ choice: 'restore', path: ' /m/k.backup ', passphrase: GOOD })).toEqual({ ok: true, value: { choice: 'restore', path: '/m/k.backup', passphrase: GOOD } });
    const hostile: unknown[] = [null, {}, { choice: 'old' }, { choice: 'new', path: '/x' }, { choice: 'restore', path: '/x' }, { choice: 'restore', passphrase: GOOD }, { choice: 'restore', path: 7, passphrase: GOOD }, { choice: 'restore', path: '/x', passphrase: '' }, { choice: 'new', extra: 1 }];
    for (const arg of hostile) expect(validateFirstRunChoice(arg).ok, JSON.stringify(arg)).toBe(false);
    // A running node has its identity already.
    expect(await op('identity:firstRun', { choice: 'new' })).toMatchObject({ ok: false, error: { code: 'not_first_run' } });
  });
});

describe('identity overview', () => {
  it('shows the public identity, a QR grid of its public bundle, and the record its first start began', async () => {
    const o = valueOf(await op<IdentityOverview>('identity:overview'));
    const org = n.deps.keys.org;
    expect(o).toMatchObject({ entityUri: ORG, nodeId: n.deps.nodeId, publicKey: org.publicKey, keyId: org.keyId, fingerprint: org.fingerprint, keyCustody: org.custody });
    expect(o.approvalFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(o.qr.text)).toEqual({ entity_uri: ORG, public_key: org.publicKey, key_id: org.keyId, node_id: n.deps.nodeId });
    // A version-3-or-larger code (the bundle is ~200 characters): an odd size from 29 up, one 0/1 per module.
    expect(o.qr.size % 2).toBe(1);
    expect(o.qr.size).toBeGreaterThanOrEqual(29);
    expect(o.qr.modules).toMatch(new RegExp(`^[01]{${o.qr.size * o.qr.size}}$`));
    // The three finder patterns' corners are dark.
    for (const [x, y] of [[0, 0], [o.qr.size - 1, 0], [0, o.qr.size - 1]]) expect(o.qr.modules[y! * o.qr.size + x!]).toBe('1');
    expect(o.backup).toEqual({ isPossible: true, whyNot: null, suggestedPath: expect.stringMatching(new RegExp(`^${n.dir}/org-key-\\d{4}-\\d{2}-\\d{2}\\.backup$`)), lastAt: null });
    // The key generated at first start is the record's first step, as `stigmem ceremony init` would make it.
    expect(o.record).toMatchObject({ state: 'verified', path: join(n.dir, 'ceremony-record.jsonl'), lines: 1, steps: [{ line: 1, step: 'init', keyId: org.keyId }] });
    expect(o.rotation).toEqual({ isPossible: false, whyNot: expect.stringContaining('Publish the org manifest first') });
  });

  it('allows a rotation once a manifest signed by this key is published, and leaves the rotation to the desktop or the CLI', async () => {
    valueOf(await op('manifest:publish', { entities: [ORG], validDays: 30 }));
    expect(valueOf(await op<IdentityOverview>('identity:overview')).rotation).toEqual({ isPossible: true, whyNot: null });
    expect(await op('identity:rotate', { confirmEntity: 'stigmem://other.example' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await op('identity:rotate', { confirmEntity: ORG })).toMatchObject({ ok: false, error: { code: 'node_must_stop' } });
    expect(n.deps.keys.org.keyId).toBe(valueOf(await op<IdentityOverview>('identity:overview')).keyId);
  });

  it('says a key from the environment is not backed up here, and refuses to', async () => {
    const other = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: Buffer.alloc(32, 7).toString('base64url') });
    try {
      const o = valueOf(await operationsOn(() => other.deps)<IdentityOverview>('identity:overview'));
      expect(o.backup.isPossible).toBe(false);
      expect(o.backup.whyNot).toContain('environment');
      expect(o.rotation).toEqual({ isPossible: false, whyNot: expect.stringContaining('rotate it where it is kept') });
      expect(valueOf(await operationsOn(() => other.deps)<{ keyBackup: unknown }>('node:status')).keyBackup).toEqual({ isPossible: false, lastAt: null });
      const r = await operationsOn(() => other.deps)('identity:backup', { path: join(other.dir, 'k.backup'), passphrase: GOOD });
      expect(r).toMatchObject({ ok: false, error: { code: 'configured_key' } });
      expect(existsSync(join(other.dir, 'k.backup'))).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe('identity backup', () => {
  it('writes a 0600 file that opens with the passphrase to this key, records the step, and audits it', async () => {
    const path = join(n.dir, 'org-key.backup');
    const done = valueOf(await op<BackupDone>('identity:backup', { path, passphrase: GOOD, overwrite: false }));
    expect(done).toMatchObject({ path, keyId: n.deps.keys.org.keyId, fingerprint: n.deps.keys.org.fingerprint, recordPath: join(n.dir, 'ceremony-record.jsonl') });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(done.sha256).toBe(`sha256:${(await import('node:crypto')).createHash('sha256').update(text).digest('hex')}`);
    expect(await openBackupPublicKey(parseBackupFile(text), GOOD)).toBe(n.deps.keys.org.publicKey);
    await expect(openBackupPublicKey(parseBackupFile(text), 'Seven green Lanterns 43')).rejects.toThrow();
    // The seed is sealed: neither the file, the record, the answer nor the audit log holds it or the passphrase.
    const seed = Buffer.from(seedFromPkcs8Pem(readFileSync(identityPemPath(n.deps.config.dbPath), 'utf8')));
    const record = readFileSync(done.recordPath, 'utf8');
    const audit = JSON.stringify(n.deps.db.all(sql`SELECT * FROM audit_events`));
    for (const [where, t] of [['file', text], ['record', record], ['answer', JSON.stringify(done)], ['audit', audit]] as const) {
      for (const secret of [seed.toString('base64url'), seed.toString('base64'), seed.toString('hex'), GOOD]) expect(t.includes(secret), `${where} holds a secret`).toBe(false);
    }
    const o = valueOf(await op<IdentityOverview>('identity:overview'));
    expect(o.record).toMatchObject({ state: 'verified', lines: 2, steps: [{ line: 2, step: 'backup', keyId: n.deps.keys.org.keyId }, { line: 1, step: 'init' }] });
    expect(o.backup.lastAt).toBe(done.createdAt);
    expect(valueOf(await op<{ keyBackup: unknown }>('node:status')).keyBackup).toEqual({ isPossible: true, lastAt: done.createdAt });
    const events = n.deps.db.all<{ event_type: string; actor: string; subject: string; detail: string }>(sql`SELECT event_type, actor, subject, detail FROM audit_events WHERE category = 'identity' AND event_type != 'identity_created'`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_type: 'identity_backup', actor: ORG, subject: n.deps.keys.org.keyId });
    expect(JSON.parse(events[0]!.detail)).toEqual({ path, sha256: done.sha256 });
  });

  it('refuses a weak passphrase, a relative path and a missing folder, writing nothing', async () => {
    const path = join(n.dir, 'weak.backup');
    expect(await op('identity:backup', { path, passphrase: 'password1234' })).toMatchObject({ ok: false, error: { code: 'passphrase_too_weak' } });
    expect(await op('identity:backup', { path: 'org-key.backup', passphrase: GOOD })).toMatchObject({ ok: false, error: { code: 'validation_failed', message: expect.stringContaining('full path') } });
    expect(await op('identity:backup', { path: join(n.dir, 'no-such-folder', 'k.backup'), passphrase: GOOD })).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
    expect(existsSync(path)).toBe(false);
    expect(valueOf(await op<IdentityOverview>('identity:overview')).record).toMatchObject({ state: 'verified', lines: 1 });
  });

  it('replaces an earlier backup only when asked, and never a file that is not a backup', async () => {
    const path = join(n.dir, 'org-key.backup');
    const first = valueOf(await op<BackupDone>('identity:backup', { path, passphrase: GOOD }));
    const again = await op('identity:backup', { path, passphrase: 'Another Passphrase 77' });
    expect(again).toMatchObject({ ok: false, error: { code: 'file_exists', message: expect.stringContaining('ask to replace it') } });
    expect(readFileSync(path, 'utf8')).not.toBe('');
    const replaced = valueOf(await op<BackupDone>('identity:backup', { path, passphrase: 'Another Passphrase 77', overwrite: true }));
    expect(replaced.sha256).not.toBe(first.sha256);
    expect(await openBackupPublicKey(parseBackupFile(readFileSync(path, 'utf8')), 'Another Passphrase 77')).toBe(n.deps.keys.org.publicKey);

    const notes = join(n.dir, 'notes.txt');
    writeFileSync(notes, 'keep me\n');
    expect(await op('identity:backup', { path: notes, passphrase: GOOD, overwrite: true })).toMatchObject({ ok: false, error: { code: 'file_exists', message: expect.stringContaining('never replaced') } });
    expect(readFileSync(notes, 'utf8')).toBe('keep me\n');
    expect(valueOf(await op<IdentityOverview>('identity:overview')).record).toMatchObject({ state: 'verified', lines: 3, steps: [{ line: 3 }, { line: 2 }, { line: 1 }] });
  });

  it('shows an altered record as invalid, with the line that fails', async () => {
    const done = valueOf(await op<BackupDone>('identity:backup', { path: join(n.dir, 'org-key.backup'), passphrase: GOOD }));
    writeFileSync(done.recordPath, readFileSync(done.recordPath, 'utf8').replace('"step":"backup"', '"step":"init"'));
    const o = valueOf(await op<IdentityOverview>('identity:overview'));
    expect(o.record).toMatchObject({ state: 'invalid', problems: expect.stringContaining('line 2: signature does not verify') });
    // An altered record vouches for no backup.
    expect(o.backup.lastAt).toBeNull();
  });
});
