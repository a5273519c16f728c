// The OS keychain for real (a private gnome-keyring under dbus-run-session): the key goes in, stays out of everything else.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { seedFromPkcs8Pem } from '../../../src/main/node/crypto/ed25519.js';
import { generatedKeyPath } from '../../../src/main/node/identity/keys.js';
import { createNode } from '../../../src/main/node/runtime.js';
import { KeychainStore } from '../../../src/main/node/secrets/keychain.js';
import { keyForms, realKeyring, serve, uniqueService, type KeytarWithFind } from './harness.js';

const ring = await realKeyring();
if (ring.skip) process.stdout.write(`[keychain tests skipped] ${ring.skip}\n`);
const keytar = ring.keytar as KeytarWithFind;
const created: [string, string][] = [];
afterAll(async () => {
  for (const [service, account] of created) await keytar?.deletePassword(service, account);
});

describe.skipIf(ring.skip !== null)('KeychainStore against a real keyring', () => {
  it('writes, reads and deletes under its service and account', async () => {
    const service = uniqueService('store');
    const store = new KeychainStore({ service });
    created.push([service, 'acct']);
    expect(await store.get('acct')).toBeNull();
    await store.set('acct', 'value-1');
    expect(await keytar.getPassword(service, 'acct')).toBe('value-1');
    expect(await store.get('acct')).toBe('value-1');
    expect(await store.delete('acct')).toBe(true);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });

  it('createNode with no key configured generates into the keychain and restarts with the same identity', async () => {
    const service = uniqueService('node');
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-kc-node-'));
    const { config } = loadConfig({ STIGMEM_DB_PATH: join(dir, 'node.db') });
    const first = await createNode(config, { keys: { keychain: new KeychainStore({ service }) } });
    const nodeId = first.deps.nodeId;
    created.push([service, nodeId]);
    await first.app.close();
    first.deps.db.raw.close();
    expect((await keytar.findCredentials(service)).map((c) => c.account)).toEqual([nodeId]);
    expect(first.deps.keys.keyCustody).toMatchObject({ backend: 'keychain', isFallback: false });
    const second = await createNode(config, { keys: { keychain: new KeychainStore({ service }) } });
    expect(second.deps.nodeId).toBe(nodeId);
    expect(second.deps.keys.org.publicKey).toBe(first.deps.keys.org.publicKey);
    await second.app.close();
    second.deps.db.raw.close();
    expect(existsSync(generatedKeyPath(config.dbPath))).toBe(false);
  });
});

describe.skipIf(ring.skip !== null)('stigmem serve with no key configured, where the keychain answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-kc-serve-'));
  const output: string[] = [];
  let nodeId = '';
  let publicKey = '';

  beforeAll(async () => {
    const first = serve({ cwd: dir, env: { STIGMEM_ADMIN_KEY: 'admin-key-for-keychain-test' } });
    ({ nodeId } = await first.listening);
    created.push(['stigmem-desktop', nodeId]);
    publicKey = ((await (await fetch(`${(await first.listening).url}/.well-known/stigmem`)).json()) as { public_key: string }).public_key;
    expect(await first.stop()).toBe(0);
    output.push(first.stdout(), first.stderr());
  });

  it("keeps its key in the keychain under service stigmem-desktop, account = the node id", async () => {
    const items = await keytar.findCredentials('stigmem-desktop');
    const item = items.find((c) => c.account === nodeId);
    expect(item?.password).toContain('BEGIN PRIVATE KEY');
    expect(output.join('')).toContain(`identity key: OS keychain (Secret Service), service stigmem-desktop, account ${nodeId}`);
    expect(readdirSync(dir).filter((f) => f.includes('identity'))).toEqual([]);
  });

  it('restarts with the same identity, and the key appears in no database file and no output', async () => {
    const second = serve({ cwd: dir, env: { STIGMEM_ADMIN_KEY: 'admin-key-for-keychain-test' } });
    const { url, nodeId: again } = await second.listening;
    expect(again).toBe(nodeId);
    const doc = (await (await fetch(`${url}/.well-known/stigmem`)).json()) as { public_key: string; node_id: string };
    expect(doc.public_key).toBe(publicKey);
    // Killed, not stopped: the -wal and -shm files stay on disk to be searched too.
    await second.stop('SIGKILL');
    output.push(second.stdout(), second.stderr());
    const pem = (await keytar.getPassword('stigmem-desktop', nodeId))!;
    const forms = keyForms(seedFromPkcs8Pem(pem), pem);
    const files = readdirSync(dir);
    expect(files).toContain('stigmem.db');
    for (const name of files.filter((f) => f.startsWith('stigmem.db'))) {
      const bytes = readFileSync(join(dir, name));
      for (const [i, form] of forms.entries()) expect(bytes.includes(form), `${name} holds key form ${i}`).toBe(false);
    }
    const printed = Buffer.from(output.join('\n'));
    for (const [i, form] of forms.entries()) expect(printed.includes(form), `the output holds key form ${i}`).toBe(false);
  });
});
