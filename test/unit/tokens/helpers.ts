// Two organisations on in-process nodes: each publishes its manifest, and one can hold the other's.
import { toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { storePeerManifest, verifyPeerManifest } from '../../../src/main/node/federation/peerManifest.js';
import type { Signer } from '../../../src/main/node/identity/signer.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { afterEach } from 'vitest';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';
import { keyFrom, testClock } from '../manifests/fixtures.js';

export { keyFrom, testClock };
export const ORG_A = 'stigmem://org-a.example';
export const ORG_B = 'stigmem://org-b.example';
export const BOT_B = 'stigmem://org-b.example/agent/bot';

export interface OrgNode extends TestNode {
  key: Signer;
  entity: string;
  clock: ReturnType<typeof testClock>;
}

export const seedOf = (fill: number): string => toBase64Url(new Uint8Array(32).fill(fill));

/** A node for `entity`, its org key from `fill`, with its manifest published (unless `publish` is false). */
export async function orgNode(entity: string, fill: number, opts: { publish?: boolean; env?: Record<string, string>; clock?: ReturnType<typeof testClock>; entities?: string[] } = {}): Promise<OrgNode> {
  const clock = opts.clock ?? testClock();
  const node = await makeTestNode({ STIGMEM_NODE_PRIVATE_KEY: seedOf(fill), STIGMEM_ENTITY_URI: entity, ...(opts.env ?? {}) }, { clock });
  const org = Object.assign(node, { key: keyFrom(fill), entity, clock });
  if (opts.publish !== false) {
    const res = await node.req('PUT', '/v1/federation/manifest', manifestBody(org.key, entity, clock.nowMs(), opts.entities));
    if (res.status !== 200) throw new Error(`manifest PUT failed: ${res.status} ${res.text}`);
  }
  return org;
}

/** `orgNode` for a test file: every node it makes is closed after each test. Call at the file's top level. */
export function orgNodesClosedAfterEach(): (...args: Parameters<typeof orgNode>) => Promise<OrgNode> {
  const nodes: OrgNode[] = [];
  afterEach(async () => {
    while (nodes.length) await nodes.pop()!.close();
  });
  return async (...args) => {
    const n = await orgNode(...args);
    nodes.push(n);
    return n;
  };
}

export function manifestBody(key: Signer, entity: string, nowMs: number, entities = [entity, `${entity}/agent/assistant`]): Record<string, unknown> {
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    manifest_version: 1, entity_uri: entity, public_key: key.publicKey, key_id: key.keyId, entities, rotation_events: [],
    issued_at: iso(nowMs - 60_000), expires_at: iso(nowMs + 300 * 86_400_000), signature: '__self_sign__',
  };
}

/** A manifest document for `entity` signed by `key` (as a peer would serve it). */
export function signedManifest(key: Signer, entity: string, nowMs: number, extra: { entities?: string[]; rotation_events?: unknown[]; key_id?: string } = {}): Record<string, unknown> {
  const body = manifestBody(key, entity, nowMs, extra.entities);
  const fields = {
    entities: body['entities'], entity_uri: entity, expires_at: body['expires_at'], issued_at: body['issued_at'],
    key_id: extra.key_id ?? key.keyId, public_key: key.publicKey, rotation_events: extra.rotation_events ?? [],
  };
  return { ...fields, signature: key.signB64(canonicalJcsBytes(fields)) };
}

/** Make `holder` keep `entity`'s manifest signed by `key`, as registering that peer by its entity would. */
export function holdManifest(holder: OrgNode | TestNode, key: Signer, entity: string, nowMs: number, extra: Parameters<typeof signedManifest>[3] = {}): void {
  const doc = signedManifest(key, entity, nowMs, extra);
  storePeerManifest(holder.deps, verifyPeerManifest(doc, entity, nowMs, holder.deps), nowMs, 'test');
}

export async function issue(node: TestNode, body: Record<string, unknown>): Promise<{ token_id: string; token_json: string; [k: string]: unknown }> {
  const res = await node.req('POST', '/v1/federation/capability-tokens', body);
  if (res.status !== 201) throw new Error(`issue failed: ${res.status} ${res.text}`);
  return res.body;
}

export const tutorialGrant = { issuer: ORG_A, subject: BOT_B, verb: 'write', object: 'stigmem://org-a.example/scope/shared', ttl_seconds: 86400 };

export const tutorialFact = {
  entity: 'stigmem://org-a.example/project/atlas', relation: 'memory:status', value: { type: 'string', v: 'active' },
  source: BOT_B, confidence: 0.85, scope: 'company',
};
