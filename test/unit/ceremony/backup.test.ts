// Backup and restore: a 0600 file that is opened again before success is reported; restore checks the key it carries
// and never silently replaces another key.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupIdentity, fileBackupIo, type BackupIo } from '../../../src/main/node/ceremony/backup.js';
import { CeremonyError } from '../../../src/main/node/ceremony/errors.js';
import { initCeremony, type InitReport } from '../../../src/main/node/ceremony/init.js';
import { verifyCeremonyRecordFile } from '../../../src/main/node/ceremony/record.js';
import { restoreIdentity } from '../../../src/main/node/ceremony/restore.js';
import { pkcs8PemFromSeed } from '../../../src/main/node/crypto/ed25519.js';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { loadNodeKeys } from '../../../src/main/node/identity/keys.js';
import { getMeta } from '../../../src/main/node/meta.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { loadSigner, previousAccountFor } from '../../../src/main/node/secrets/identityKeys.js';
import { PemFileStore } from '../../../src/main/node/secrets/file.js';
import { ceremonyFolder, clock, expectFailure, expectOk, GOOD_PASSPHRASE, removeFolders, type Folder } from './helpers.js';

afterAll(removeFolders);

let source: Folder;
let identity: InitReport;
let backupPath: string;

beforeAll(async () => {
  source = ceremonyFolder();
  identity = expectOk(await initCeremony({ config: source.config, clock }));
  backupPath = join(source.dir, 'org-key.backup.json');
  expectOk(await backupIdentity({ config: source.config, clock, outPath: backupPath, passphrase: GOOD_PASSPHRASE }));
});

function auditOf(f: Folder): { event_type: string; actor: string; subject: string; detail: string }[] {
  const db = openDatabase(f.config.dbPath);
  try {
    return db.all(sql`SELECT event_type, actor, subject, detail FROM audit_events ORDER BY seq`);
  } finally {
    db.raw.close();
  }
}

async function keysOf(f: Folder) {
  const db = openDatabase(f.config.dbPath);
  try {
    const keys = await loadNodeKeys(f.config, db);
    return { nodeId: keys.nodeId, publicKey: keys.org.publicKey, keyStore: getMeta(db, 'key_store') };
  } finally {
    db.raw.close();
  }
}

describe('backupIdentity', () => {
  it('writes a 0600 file naming the key in the clear, the key itself sealed, and records the step', () => {
    expect(statSync(backupPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(backupPath, 'utf8');
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file).toMatchObject({ format: 'stigmem-identity-backup', version: 1, node_id: identity.nodeId, public_key: identity.publicKey, key_id: identity.keyId });
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(readFileSync(join(source.dir, 'stigmem.identity.pem'), 'utf8').split('\n')[1]!);
    const record = expectOk(verifyCeremonyRecordFile(identity.recordPath));
    expect(record.steps.map((s) => s.step)).toEqual(['init', 'backup']);
    expect(readFileSync(identity.recordPath, 'utf8')).not.toContain(GOOD_PASSPHRASE);
    expect(auditOf(source).map((e) => [e.event_type, e.subject])).toEqual([['identity_created', identity.keyId], ['identity_backup', identity.keyId]]);
    expect(auditOf(source)[1]!.detail).toContain(backupPath);
  });

  it.each([
    ['', 'passphrase_missing'],
    ['short1!', 'passphrase_too_weak'],
    ['alllowercaseletters', 'passphrase_too_weak'],
    ['Password1234', 'passphrase_too_weak'],
  ])('refuses the passphrase %j (%s) and writes nothing', async (passphrase, code) => {
    const out = join(source.dir, `weak-${code}-${passphrase.length}.json`);
    expectFailure(await backupIdentity({ config: source.config, clock, outPath: out, passphrase }), code);
    expect(existsSync(out)).toBe(false);
  });

  it('never overwrites an existing file without force', async () => {
    const out = join(source.dir, 'exists.json');
    writeFileSync(out, 'keep me');
    expectFailure(await backupIdentity({ config: source.config, clock, outPath: out, passphrase: GOOD_PASSPHRASE }), 'file_exists');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expectOk(await backupIdentity({ config: source.config, clock, outPath: out, passphrase: GOOD_PASSPHRASE, force: true }));
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('reports backup_verify_failed, and removes the file, when what is read back does not open', async () => {
    const flipOneCiphertextByte: BackupIo = {
      write: fileBackupIo.write,
      read: (path) => {
        const read = fileBackupIo.read(path);
        const file = JSON.parse(read.text) as { sealed: { ciphertext: string } };
        const c = file.sealed.ciphertext;
        file.sealed.ciphertext = (c[0] === 'A' ? 'B' : 'A') + c.slice(1);
        return { ...read, text: JSON.stringify(file) };
      },
    };
    const out = join(source.dir, 'tampered.json');
    expect(expectFailure(await backupIdentity({ config: source.config, clock, outPath: out, passphrase: GOOD_PASSPHRASE, io: flipOneCiphertextByte }), 'backup_verify_failed')).toContain('did not open again');
    expect(existsSync(out)).toBe(false);
    const renamed: BackupIo = { write: fileBackupIo.write, read: (p) => ({ ...fileBackupIo.read(p), text: fileBackupIo.read(p).text.replace(identity.publicKey, 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg') }) };
    expectFailure(await backupIdentity({ config: source.config, clock, outPath: out, passphrase: GOOD_PASSPHRASE, io: renamed }), 'backup_verify_failed');
  });

  it('stops before the file is written when told to; once it is written, finishes and verifies it', async () => {
    const stopped = join(source.dir, 'stopped.json');
    const early = new AbortController();
    early.abort(new CeremonyError('interrupted', 'interrupted'));
    expectFailure(await backupIdentity({ config: source.config, clock, outPath: stopped, passphrase: GOOD_PASSPHRASE, signal: early.signal }), 'interrupted');
    expect(existsSync(stopped)).toBe(false);
    const late = new AbortController();
    const stopAfterWrite: BackupIo = { write: (p, text, overwrite) => (fileBackupIo.write(p, text, overwrite), late.abort(new CeremonyError('interrupted', 'interrupted'))), read: fileBackupIo.read };
    const written = join(source.dir, 'written.json');
    expect(expectOk(await backupIdentity({ config: source.config, clock, outPath: written, passphrase: GOOD_PASSPHRASE, io: stopAfterWrite, signal: late.signal })).path).toBe(written);
    expect(existsSync(written)).toBe(true);
  });

  it('refuses a folder without an identity', async () => {
    expectFailure(await backupIdentity({ config: ceremonyFolder().config, clock, outPath: join(source.dir, 'none.json'), passphrase: GOOD_PASSPHRASE }), 'no_identity');
  });
});

describe('restoreIdentity', () => {
  it('restores into an empty folder: same node id and key, in that folder\'s store, recorded', async () => {
    const target = ceremonyFolder({ STIGMEM_KEY_STORE: 'encrypted-file', STIGMEM_KEY_PASSPHRASE: 'a different store passphrase' });
    const v = expectOk(await restoreIdentity({ config: target.config, clock, backupPath, passphrase: GOOD_PASSPHRASE }));
    expect(v).toMatchObject({ nodeId: identity.nodeId, publicKey: identity.publicKey, keyStore: 'encrypted-file', isNewIdentity: true, wasAlreadyPresent: false, replacedPublicKey: null });
    expect(await keysOf(target)).toEqual({ nodeId: identity.nodeId, publicKey: identity.publicKey, keyStore: 'encrypted-file' });
    expect(expectOk(verifyCeremonyRecordFile(v.recordPath, identity.publicKey)).steps.map((s) => s.step)).toEqual(['restore']);
    expect(auditOf(target)).toEqual([{ event_type: 'identity_restored', actor: identity.nodeId, subject: identity.keyId, detail: expect.stringContaining(backupPath) }]);
    // Restoring the same key again changes nothing.
    expect(expectOk(await restoreIdentity({ config: target.config, clock, backupPath, passphrase: GOOD_PASSPHRASE })).wasAlreadyPresent).toBe(true);
  });

  it('refuses a wrong passphrase before touching the folder', async () => {
    const target = ceremonyFolder();
    expectFailure(await restoreIdentity({ config: target.config, clock, backupPath, passphrase: 'Not The Passphrase 1' }), 'passphrase_wrong');
    expect(existsSync(target.config.dbPath)).toBe(false);
  });

  it('refuses a backup whose sealed key is not the public key it names', async () => {
    const edited = join(source.dir, 'edited.json');
    const other = ceremonyFolder();
    const otherId = expectOk(await initCeremony({ config: other.config, clock }));
    writeFileSync(edited, readFileSync(backupPath, 'utf8').replace(identity.publicKey, otherId.publicKey));
    const target = ceremonyFolder();
    expect(expectFailure(await restoreIdentity({ config: target.config, clock, backupPath: edited, passphrase: GOOD_PASSPHRASE }), 'backup_key_mismatch')).toContain(identity.publicKey);
    expect(existsSync(target.config.dbPath)).toBe(false);
    writeFileSync(edited, '{"format":"something else"}');
    expectFailure(await restoreIdentity({ config: target.config, clock, backupPath: edited, passphrase: GOOD_PASSPHRASE }), 'backup_invalid');
  });

  it('refuses a folder of another node, or one holding a different key, unless forced; forced keeps the old key', async () => {
    const other = ceremonyFolder();
    const otherId = expectOk(await initCeremony({ config: other.config, clock }));
    expect(expectFailure(await restoreIdentity({ config: other.config, clock, backupPath, passphrase: GOOD_PASSPHRASE }), 'node_id_mismatch')).toContain(otherId.nodeId);
    expect((await keysOf(other)).publicKey).toBe(otherId.publicKey);
    const forced = expectOk(await restoreIdentity({ config: other.config, clock, backupPath, passphrase: GOOD_PASSPHRASE, force: true }));
    expect(forced).toMatchObject({ nodeId: otherId.nodeId, publicKey: identity.publicKey, replacedPublicKey: otherId.publicKey });
    expect(await keysOf(other)).toMatchObject({ nodeId: otherId.nodeId, publicKey: identity.publicKey });
    const store = new PemFileStore(other.config.dbPath, otherId.nodeId);
    expect((await loadSigner(store, previousAccountFor(otherId.nodeId, otherId.keyId)))?.publicKey).toBe(otherId.publicKey);
    // The record shows the replacement as a note, not as a forged hand-over.
    expect(expectOk(verifyCeremonyRecordFile(forced.recordPath)).notes.join()).toContain('a restore replaced the key');
  });

  it('refuses when the same node id holds a different key in its store, unless forced', async () => {
    const target = ceremonyFolder();
    expectOk(await restoreIdentity({ config: target.config, clock, backupPath, passphrase: GOOD_PASSPHRASE }));
    const store = new PemFileStore(target.config.dbPath, identity.nodeId);
    await store.set(identity.nodeId, pkcs8PemFromSeed(new Uint8Array(32).fill(9)));
    expectFailure(await restoreIdentity({ config: target.config, clock, backupPath, passphrase: GOOD_PASSPHRASE }), 'key_exists');
    expect(expectOk(await restoreIdentity({ config: target.config, clock, backupPath, passphrase: GOOD_PASSPHRASE, force: true })).publicKey).toBe(identity.publicKey);
  });
});
