// The peer screens' operations: strict arguments, and the same outcomes as /v1/federation/peers against a real peer
// listening on 127.0.0.1 (active, key mismatch fixed by a re-pin, unreachable, removal kept in the audit log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/node/config/env.js';
import { startNode, type RunningNode } from '../../../src/main/node/runtime.js';
import { validateAuditQuery, type AuditPage } from '../../../src/shared/audit.js';
import { validateAddPeer, validatePeerRef, validateRepinPeer, type PeerSummary } from '../../../src/shared/peers.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { operationsOn } from './helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEY = 'A'.repeat(43);

describe('peer operation arguments', () => {
  it('accept a URL, a key and known scopes', () => {
    expect(validateAddPeer({ url: ' https://peer.example ', publicKey: KEY })).toEqual({ ok: true, value: { url: 'https://peer.example', publicKey: KEY } });
    expect(validateAddPeer({ url: 'http://127.0.0.1:8765', publicKey: `${KEY}=`, allowedScopes: ['public', 'company', 'public'] })).toEqual({
      ok: true, value: { url: 'http://127.0.0.1:8765', publicKey: `${KEY}=`, allowedScopes: ['public', 'company'] },
    });
    expect(validateRepinPeer({ id: 'p1', publicKey: KEY })).toEqual({ ok: true, value: { id: 'p1', publicKey: KEY } });
    expect(validatePeerRef({ id: 'p1' })).toEqual({ ok: true, value: { id: 'p1' } });
  });

  it('refuse anything else with validation_failed and a reason', () => {
    const hostile: unknown[] = [
      undefined, null, 'https://peer.example', [], 42, {}, { url: 'https://peer.example' }, { publicKey: KEY },
      { url: 'ftp://peer.example', publicKey: KEY }, { url: 'https://', publicKey: KEY }, { url: 'https://a b', publicKey: KEY }, { url: `https://${'a'.repeat(3000)}`, publicKey: KEY },
      { url: 42, publicKey: KEY }, { url: 'https://p.example', publicKey: 'short' }, { url: 'https://p.example', publicKey: 'A'.repeat(44) }, { url: 'https://p.example', publicKey: `${'A'.repeat(42)}!` },
      { url: 'https://p.example', publicKey: KEY, allowedScopes: [] }, { url: 'https://p.example', publicKey: KEY, allowedScopes: ['local'] }, { url: 'https://p.example', publicKey: KEY, allowedScopes: 'public' },
      { url: 'https://p.example', publicKey: KEY, allowedScopes: ['public', 'public', 'public', 'public'] }, { url: 'https://p.example', publicKey: KEY, admin: true },
      JSON.parse(`{"url": "https://p.example", "publicKey": "${KEY}", "__proto__": {"x": 1}}`),
    ];
    for (const arg of hostile) {
      const r = validateAddPeer(arg);
      expect(r.ok, JSON.stringify(arg)?.slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'validation_failed', message: expect.any(String) });
    }
    for (const arg of [{ id: '' }, { id: 7 }, { id: 'x'.repeat(101) }, { id: 'p1', extra: 1 }, { id: 'p1', publicKey: 'nope' }]) {
      expect(validateRepinPeer(arg).ok).toBe(false);
    }
    for (const arg of [null, { id: '' }, { id: ['p1'] }, { id: 'p1', publicKey: KEY }]) expect(validatePeerRef(arg).ok).toBe(false);
    const badAudit = [{ limit: 0 }, { limit: 101 }, { limit: 2.5 }, { limit: '20' }, { cursor: '' }, { cursor: 7 }, { cursor: 'c'.repeat(201) }, { peerId: '' }, { category: 'all' }, { category: ['fact'] }, { order: 'asc' }, 'all'];
    for (const arg of badAudit) expect(validateAuditQuery(arg).ok, JSON.stringify(arg)).toBe(false);
    expect(validateAuditQuery(undefined)).toEqual({ ok: true, value: { limit: 20 } });
    expect(validateAuditQuery({ category: 'federation', limit: 5 })).toEqual({ ok: true, value: { category: 'federation', limit: 5 } });
  });
});

describe('peer operations against a real peer', () => {
  let peer: RunningNode;
  let peerDir: string;
  let node: TestNode;
  const op = operationsOn(() => node.deps);

  beforeAll(async () => {
    peerDir = mkdtempSync(join(tmpdir(), 'stigmem-peer-ops-'));
    peer = await startNode(loadConfig({ STIGMEM_DB_PATH: join(peerDir, 'peer.db'), STIGMEM_PORT: '0', STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent' }).config);
    node = await makeTestNode({ STIGMEM_ENTITY_URI: 'stigmem://org.example' });
  });
  afterAll(async () => {
    await node.close();
    await peer.close();
    rmSync(peerDir, { recursive: true, force: true });
  });

  it('adds a peer whose live key matches the pin as active, and lists it with the fingerprint of that key', async () => {
    const added = await op<PeerSummary>('peers:add', { url: peer.url, publicKey: peer.deps.keys.federation.publicKey });
    expect(added).toMatchObject({ ok: true, value: { url: peer.url, status: 'active', error: null, nodeId: peer.deps.nodeId, fingerprint: peer.deps.keys.federation.fingerprint, allowedScopes: ['public'] } });
    const listed = await op<PeerSummary[]>('peers:list');
    expect(listed.ok && listed.value.map((p) => p.url)).toEqual([peer.url]);
    // The same peer twice is the node's own refusal, with its code.
    expect(await op('peers:add', { url: peer.url, publicKey: peer.deps.keys.federation.publicKey })).toMatchObject({ ok: false, error: { code: 'peer_exists' } });
    const removed = await op<{ id: string; factsRetained: number }>('peers:remove', { id: added.ok ? added.value.id : '' });
    expect(removed).toEqual({ ok: true, value: { id: added.ok ? added.value.id : '', factsRetained: 0 } });
    expect(await op('peers:list')).toEqual({ ok: true, value: [] });
    expect(await op('peers:remove', { id: added.ok ? added.value.id : '' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const audit = await node.req('GET', '/v1/federation/audit?event_type=peer_removed');
    expect(audit.body.entries[0]).toMatchObject({ event_type: 'peer_removed', actor: 'stigmem://org.example' });
  });

  it('shows a wrong pin as key_mismatch with signature_mismatch until a re-pin to the right key', async () => {
    const wrong = node.deps.keys.federation.publicKey;
    const added = await op<PeerSummary>('peers:add', { url: peer.url, publicKey: wrong, allowedScopes: ['company', 'public'] });
    expect(added).toMatchObject({ ok: true, value: { status: 'key_mismatch', error: 'signature_mismatch', allowedScopes: ['company', 'public'] } });
    const id = added.ok ? added.value.id : '';
    expect(await op('peers:repin', { id, publicKey: 'B'.repeat(43) })).toMatchObject({ ok: true, value: { status: 'key_mismatch' } });
    expect(await op('peers:repin', { id, publicKey: peer.deps.keys.federation.publicKey })).toMatchObject({ ok: true, value: { status: 'active', error: null } });
    expect(await op('peers:repin', { id: 'no-such-peer', publicKey: peer.deps.keys.federation.publicKey })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await op('peers:remove', { id })).toMatchObject({ ok: true });
  });

  it('adds an unreachable peer as unreachable, refuses what the node refuses, and answers over the console route', async () => {
    const closed = await op<PeerSummary>('peers:add', { url: 'http://127.0.0.1:9', publicKey: KEY });
    expect(closed).toMatchObject({ ok: true, value: { status: 'unreachable', error: expect.stringMatching(/^unreachable/) } });
    expect(await op('peers:add', { url: 'http://127.0.0.1:10', publicKey: KEY, allowedScopes: ['team'] })).toMatchObject({ ok: false, error: { code: 'scope_not_federatable' } });
    const res = await node.req('POST', '/console/api/peers:list', {});
    expect(res.body).toMatchObject({ ok: true, value: [{ url: 'http://127.0.0.1:9', status: 'unreachable' }] });
  });

  it('lists the audit log newest first, by pages, by category or peer, and refuses a cursor it did not issue', async () => {
    const all = await op<AuditPage>('audit:list', { category: 'federation', limit: 100 });
    expect(all.ok).toBe(true);
    const events = all.ok ? all.value.events : [];
    // The earlier tests' changes, newest first: the unreachable registration is the latest.
    expect(events[0]).toMatchObject({ eventType: 'peer_registered', actor: 'stigmem://org.example', detail: { status: 'unreachable' } });
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining(['peer_registered', 'signature_mismatch', 'peer_repinned', 'peer_removed']));
    const first = await op<AuditPage>('audit:list', { category: 'federation', limit: 2 });
    const next = await op<AuditPage>('audit:list', { category: 'federation', limit: 2, cursor: first.ok ? first.value.cursor! : '' });
    expect([...(first.ok ? first.value.events : []), ...(next.ok ? next.value.events : [])].map((e) => e.id)).toEqual(events.slice(0, 4).map((e) => e.id));
    const onePeer = events.find((e) => e.eventType === 'signature_mismatch')!.peerId!;
    const filtered = await op<AuditPage>('audit:list', { peerId: onePeer });
    expect(filtered.ok && filtered.value.events.every((e) => e.peerId === onePeer)).toBe(true);
    expect(await op('audit:list', { cursor: 'not-ours' })).toMatchObject({ ok: false, error: { code: 'invalid_cursor' } });
    // Every category, or one: the federation events are all there, and another category is only its own.
    const everything = await op<AuditPage>('audit:list', { limit: 100 });
    expect(everything.ok && events.every((e) => everything.value.events.some((x) => x.id === e.id))).toBe(true);
    const admin = await op<AuditPage>('audit:list', { category: 'admin', limit: 100 });
    expect(admin.ok && admin.value.events.every((e) => e.category === 'admin')).toBe(true);
  });
});
