// The private key never travels: no operation, over IPC or HTTP, and no file the console serves contains it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindAdminOperations, type IpcMainLike } from '../../../src/main/desktop/ipc.js';
import { runAdminOperation } from '../../../src/main/node/console/handlers.js';
import { pkcs8PemFromSeed } from '../../../src/main/node/crypto/ed25519.js';
import { OPERATION_NAMES } from '../../../src/shared/contract.js';
import { ADMIN_KEY, makeTestNode, type TestNode } from '../../helpers/inject.js';
import { manifestBody } from '../tokens/helpers.js';

const SEED = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));

/** Every way the seed could be spelled in a JSON answer or a page. */
function secretSpellings(): string[] {
  const pemBody = pkcs8PemFromSeed(new Uint8Array(SEED)).replace(/-----[A-Z ]+-----|\s/g, '');
  return [
    SEED.toString('base64url'),
    SEED.toString('base64'),
    SEED.toString('base64').replace(/=+$/, ''),
    SEED.toString('hex'),
    SEED.toString('hex').toUpperCase(),
    pemBody,
    // The 16 middle bytes alone, in case a longer encoding (seed ‖ public key) shifts the alignment at the start.
    SEED.subarray(8, 24).toString('hex'),
    JSON.stringify([...SEED]).slice(1, -1),
  ];
}

function expectNoSecret(text: string, where: string): void {
  for (const spelling of secretSpellings()) expect(text.includes(spelling), `${where} contains the private key`).toBe(false);
  expect(text.includes(ADMIN_KEY), `${where} contains the admin key`).toBe(false);
}

/** A valid argument for each operation; the peer operations act on the peer the add created. */
function argumentsInOrder(dir: string): (op: string, previous: unknown) => unknown {
  let peerId = '';
  let tokenId = '';
  return (op, previous) => {
    if (op === 'peers:repin' || op === 'peers:remove') peerId ||= (previous as { id: string }).id;
    if (op === 'tokens:revoke') tokenId ||= (previous as { token: { tokenId: string } }).token.tokenId;
    if (op === 'tokens:issue') return { subject: 'stigmem://other.example/agent/bot', verb: 'write', object: 'stigmem://other.example/scope/shared', ttlSeconds: 3600 };
    if (op === 'tokens:revoke') return { tokenId, reason: 'checking the answer' };
    if (op === 'peers:add') return { url: 'http://127.0.0.1:9', publicKey: 'A'.repeat(43) };
    if (op === 'peers:repin') return { id: peerId, publicKey: 'B'.repeat(43) };
    if (op === 'peers:remove') return { id: peerId };
    // A decision on no held fact is still an answer (each id comes back refused).
    if (op === 'quarantine:decide') return { factIds: ['none-held'], action: 'reject', reason: 'checking the answer' };
    if (op === 'manifest:publish') return { entities: ['stigmem://localhost:8765'], validDays: 365 };
    if (op === 'trust:set') return { source: 'stigmem://other.example/agent/a', score: 0.5 };
    if (op === 'trust:clear') return { source: 'stigmem://other.example/agent/a' };
    if (op === 'identity:backup') return { path: '/nonexistent/stigmem-test/org-key.backup', passphrase: 'Seven green Lanterns 42', overwrite: false };
    if (op === 'identity:rotate') return { confirmEntity: 'stigmem://localhost:8765' };
    if (op === 'identity:firstRun') return { choice: 'new' };
    // Each pass replaces the file the last one signed (an earlier signed manifest may be replaced).
    if (op === 'manifest:export') return { entities: ['stigmem://localhost:8765'], validDays: 30, path: `${dir}/manifest.json`, overwrite: true };
    // Each pass replaces the database backup the last one wrote, then reads it back; a restore needs the node stopped.
    if (op === 'data:backup') return { path: `${dir}/data.sqlite`, overwrite: true };
    if (op === 'data:inspect') return { path: `${dir}/data.sqlite` };
    if (op === 'facts:detail') return { id: (previous as { facts: { id: string }[] }).facts[0]!.id };
    if (op === 'data:schedule') return { dir: null, intervalMinutes: 1440, keep: 7 };
    if (op === 'data:restore') return { path: `${dir}/data.sqlite`, confirmEntity: 'stigmem://localhost:8765' };
    return undefined;
  };
}

/**
 * Every operation succeeds but four, refused here: a key backup and a rotation (this node's key comes from the
 * environment), the first-run choice (a running node has its identity) and a database restore (the node must stop).
 */
function expectAnswered(op: string, r: { ok: boolean; error?: { code: string } }): void {
  if (op === 'identity:backup' || op === 'identity:rotate') expect(r, op).toMatchObject({ ok: false, error: { code: 'configured_key' } });
  else if (op === 'identity:firstRun') expect(r, op).toMatchObject({ ok: false, error: { code: 'not_first_run' } });
  else if (op === 'data:restore') expect(r, op).toMatchObject({ ok: false, error: { code: 'node_must_stop' } });
  else expect(r.ok, op).toBe(true);
}

describe('private key material', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: SEED.toString('base64url') });
    // Tokens are issued only under a published manifest; the token operations answer like the rest.
    const published = await node.req('PUT', '/v1/federation/manifest', manifestBody(node.deps.keys.org, node.deps.orgEntityUri, Date.now()));
    expect(published.status).toBe(200);
    // A fact for the Facts screen's operations to search and open.
    const fact = await node.req('POST', '/v1/facts', { entity: 'stigmem://localhost:8765/e/1', relation: 'memory:role', value: { type: 'string', v: 'v' }, source: 'stigmem://localhost:8765/agent/a', confidence: 0.9, scope: 'company' });
    expect(fact.status).toBe(201);
  });
  afterAll(async () => {
    await node.close();
  });

  it('is really the key this node signs with (the test would prove nothing otherwise)', () => {
    expect(node.deps.keys.org.custody).toContain('STIGMEM_NODE_PRIVATE_KEY');
    expect(JSON.stringify(node.deps.keys.org)).not.toContain(SEED.toString('base64url'));
  });

  it('is in no operation result, called directly', async () => {
    const argFor = argumentsInOrder(node.dir);
    let previous: unknown;
    for (const op of OPERATION_NAMES) {
      const r = await runAdminOperation(node.deps, op, argFor(op, previous));
      expectAnswered(op, r);
      previous = r.ok ? r.value : undefined;
      expectNoSecret(JSON.stringify(r), op);
    }
  });

  it('is in no console API answer', async () => {
    const argFor = argumentsInOrder(node.dir);
    let previous: unknown;
    for (const op of OPERATION_NAMES) {
      const arg = argFor(op, previous);
      const res = await node.req('POST', `/console/api/${op}`, arg);
      expect(res.status, op).toBe(200);
      expectAnswered(op, res.body);
      previous = res.body.value;
      expectNoSecret(res.text, `POST /console/api/${op}`);
    }
  });

  it('is in no IPC reply', async () => {
    const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
    bindAdminOperations({ handle: (ch, fn) => void handlers.set(ch, fn), removeHandler: (ch) => void handlers.delete(ch) }, { currentDeps: () => node.deps, startup: () => ({ phase: 'ready' }), isTrustedSender: () => true });
    expect([...handlers.keys()].sort()).toEqual([...OPERATION_NAMES].sort());
    const argFor = argumentsInOrder(node.dir);
    let previous: unknown;
    for (const [channel, handle] of handlers) {
      const reply = await handle({ senderFrame: { url: 'file:///app/index.html' } }, argFor(channel, previous));
      expectAnswered(channel, reply);
      previous = reply.ok ? reply.value : undefined;
      expectNoSecret(JSON.stringify(reply), `IPC ${channel}`);
    }
  });

  it('is in no file the console serves', async () => {
    const page = await node.req('GET', '/console/', undefined, false);
    expectNoSecret(page.text, 'GET /console/');
    const assets = [...page.text.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!);
    for (const asset of assets) {
      const res = await node.req('GET', `/console/${asset}`, undefined, false);
      expect(res.status, asset).toBe(200);
      expectNoSecret(res.text, asset);
    }
  });
});
