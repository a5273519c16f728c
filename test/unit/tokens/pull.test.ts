// pullRevocations: what one pull cycle fetches from a peer whose organisation's manifest this node holds.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isoFromMs } from '../../../src/main/node/clock.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import type { PeerRow } from '../../../src/main/node/federation/peers/repo.js';
import { pullRevocations } from '../../../src/main/node/tokens/revocations.js';
import { pullCursor } from '../../../src/main/node/tokens/store.js';
import { verifyCapabilityToken } from '../../../src/main/node/tokens/verify.js';
import { holdManifest, issue, keyFrom, ORG_A, ORG_B, orgNode, tutorialGrant, type OrgNode } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function node(...args: Parameters<typeof orgNode>): Promise<OrgNode> {
  const n = await orgNode(...args);
  cleanups.push(() => n.close());
  return n;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  cleanups.push(() => new Promise((res) => server.close(() => res())));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

const peer = (url: string, entity: string | null): PeerRow => ({ id: 'peer-1', node_url: url, entity_uri: entity, status: 'active' }) as PeerRow;
const pull = (b: OrgNode, p: PeerRow) => pullRevocations(b.deps, p, new AbortController().signal);

describe('pullRevocations', () => {
  it('fetches what the issuer published since the last pull, and nothing twice', async () => {
    const a = await node(ORG_A, 1);
    const b = await node(ORG_B, 2, { clock: a.clock });
    await a.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = a.app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    holdManifest(b, a.key, ORG_A, a.clock.nowMs());
    const tokens = [await issue(a, tutorialGrant), await issue(a, tutorialGrant), await issue(a, tutorialGrant)];
    for (const t of tokens.slice(0, 2)) await a.req('POST', `/v1/federation/capability-tokens/${t.token_id}/revoke`, {});
    expect(await pull(b, peer(url, ORG_A))).toBe(2);
    expect(await pull(b, peer(url, ORG_A))).toBe(0);
    expect(verifyCapabilityToken(b.deps, tokens[0]!.token_json)).toMatchObject({ valid: false, reason: 'revoked' });
    expect(verifyCapabilityToken(b.deps, tokens[2]!.token_json)).toMatchObject({ valid: true });
    await a.req('POST', `/v1/federation/capability-tokens/${tokens[2]!.token_id}/revoke`, {});
    expect(await pull(b, peer(url, ORG_A))).toBe(1);
    expect(verifyCapabilityToken(b.deps, tokens[2]!.token_json)).toMatchObject({ valid: false, reason: 'revoked' });
  });

  it('follows has_more and keeps the cursor the issuer gave', async () => {
    const b = await node(ORG_B, 2);
    const aKey = keyFrom(1);
    holdManifest(b, aKey, ORG_A, b.clock.nowMs());
    const event = (tokenId: string) => {
      const e = { reason: '', revoked_at: isoFromMs(b.clock.nowMs()), revoked_by: ORG_A, token_id: tokenId };
      return { ...e, signature: aKey.signB64(canonicalJcsBytes(e)) };
    };
    const seen: string[] = [];
    const url = await listen(createServer((req, res) => {
      seen.push(req.url ?? '');
      const first = req.url?.endsWith('since=0');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(first ? { revocations: [event('t-1')], next_since: 5, has_more: true } : { revocations: [event('t-2')], next_since: 9, has_more: false }));
    }));
    expect(await pull(b, peer(url, ORG_A))).toBe(2);
    expect(seen).toEqual(['/v1/federation/capability-tokens/revocations?since=0', '/v1/federation/capability-tokens/revocations?since=5']);
    expect(pullCursor(b.deps.db, ORG_A, url)).toBe(9);
  });

  it('audits a page\'s forged revocations in one event, and takes no page of more than it serves at once', async () => {
    const b = await node(ORG_B, 2);
    const aKey = keyFrom(1);
    holdManifest(b, aKey, ORG_A, b.clock.nowMs());
    const forged = (i: number) => ({ reason: '', revoked_at: isoFromMs(b.clock.nowMs()), revoked_by: ORG_A, token_id: `t-${i}`, signature: keyFrom(9).signB64(Buffer.from('x')) });
    let size = 300;
    const url = await listen(createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ revocations: Array.from({ length: size }, (_, i) => forged(i)), next_since: 1, has_more: false }));
    }));
    expect(await pull(b, peer(url, ORG_A))).toBe(0);
    const rows = b.deps.db.raw.prepare("SELECT detail FROM audit_events WHERE event_type = 'revocation_rejected'").pluck().all() as string[];
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!)).toMatchObject({ issuer: ORG_A, count: 300, reason: `revocation of t-0 is not signed by a key of ${ORG_A}` });
    size = 501;
    expect(await pull(b, peer(url, ORG_A))).toBe(0);
    expect(b.deps.db.raw.prepare("SELECT COUNT(*) FROM audit_events WHERE event_type = 'revocation_rejected'").pluck().get()).toBe(1);
  });

  it('never throws: a peer that does not publish revocations, sends junk, is unreachable, or whose manifest is not held', async () => {
    const b = await node(ORG_B, 2);
    holdManifest(b, keyFrom(1), ORG_A, b.clock.nowMs());
    const notFound = await listen(createServer((_req, res) => {
      res.statusCode = 404;
      res.end('{"detail":"Not Found"}');
    }));
    const junk = await listen(createServer((_req, res) => res.end('{"revocations": "nope"')));
    expect(await pull(b, peer(notFound, ORG_A))).toBe(0);
    expect(await pull(b, peer(junk, ORG_A))).toBe(0);
    expect(await pull(b, peer('http://127.0.0.1:9', ORG_A))).toBe(0);
    expect(await pull(b, peer(notFound, null))).toBe(0);
    expect(await pull(b, peer(notFound, 'stigmem://org-z.example'))).toBe(0);
  });
});
