// Quarantine test set-up: an in-process node, a peer row, and reference-format facts ingested through the real
// federation ingest (so routing, trust and the quarantine audit run exactly as they do for a pull).
import { randomUUID } from 'node:crypto';
import { sql } from '../../../src/main/node/db/sql.js';
import { ingestFacts, type IngestResult } from '../../../src/main/node/federation/ingest.js';
import { peerSender } from '../../../src/main/node/federation/sender.js';
import { insertPeer, peerById, type PeerRow } from '../../../src/main/node/federation/peers/repo.js';
import type { Permission } from '../../../src/main/node/auth/permissions.js';
import { referenceFact } from '../../helpers/fakePeer.js';
import { makeTestNode, type TestNode } from '../../helpers/inject.js';

export { makeTestNode, type TestNode };

export const ORG_B = 'stigmem://org-b.example';
export const BOT = 'stigmem://org-b.example/agent/bot';
export const TUTORIAL_REASON = 'auto-quarantine: source_trust below threshold (t=0.15)';

export function addPeer(node: TestNode, opts: { entityUri?: string | null; scopes?: string[] } = {}): PeerRow {
  const id = randomUUID();
  insertPeer(node.deps.db, {
    id, nodeId: `stigmem:node:${id.slice(0, 8)}`, nodeUrl: `http://127.0.0.1:9/${id.slice(0, 8)}`, entityUri: opts.entityUri === undefined ? ORG_B : opts.entityUri,
    trustedPublicKey: 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg', status: 'active', registration: 'pinned',
    allowedScopes: opts.scopes ?? ['public', 'company'], declaration: null, createdAt: new Date().toISOString(), establishedAt: new Date().toISOString(), error: null,
  });
  return peerById(node.deps.db, id)!;
}

let counter = 0;

/** A reference-format fact from `source`, stamped a moment ago so the HLC skew checks pass. */
export function remoteFact(over: { source?: string; entity?: string; scope?: string; v?: string; confidence?: number } = {}): Record<string, unknown> {
  counter++;
  return referenceFact({
    id: randomUUID(), entity: over.entity ?? `stigmem://org-b.example/project/p${counter}`, source: over.source ?? BOT,
    hlc: `${Date.now() - 1000}.${counter % 1000}`, v: over.v ?? `v${counter}`, scope: over.scope ?? 'company', confidence: over.confidence ?? 0.85,
  });
}

/** Ingest as a pull does: one transaction for the page. */
export function ingest(node: TestNode, peer: PeerRow, facts: Record<string, unknown>[]): IngestResult {
  return node.deps.db.transaction(() => ingestFacts(node.deps, peerSender(node.deps, peer), facts));
}

/** Ingest facts and return their ids (all must be accepted). */
export function ingestIds(node: TestNode, peer: PeerRow, facts: Record<string, unknown>[]): string[] {
  const r = ingest(node, peer, facts);
  if (r.accepted !== facts.length) throw new Error(`expected ${facts.length} accepted, got ${JSON.stringify(r)}`);
  return facts.map((f) => f['id'] as string);
}

export function addKey(node: TestNode, entity: string, permissions: Permission[]): string {
  const raw = `key-${randomUUID()}`;
  node.deps.apiKeys.create({ rawKey: raw, entityUri: entity, permissions }, new Date().toISOString());
  return raw;
}

export function addMember(node: TestNode, gardenId: string, entity: string, role: string): void {
  node.deps.db.run(sql`INSERT INTO garden_members (garden_id, entity_uri, role, added_by, added_at) VALUES (${gardenId}, ${entity}, ${role}, 'test', ${new Date().toISOString()})`);
}

export function builtinGardenId(node: TestNode): string {
  return node.deps.db.get<{ value: string }>(sql`SELECT value FROM node_settings WHERE key = 'builtin_quarantine_garden_id'`)!.value;
}

export function auditEvents(node: TestNode, eventType: string): { actor: string | null; subject: string | null; peer_id: string | null; category: string; detail: Record<string, unknown> }[] {
  return node.deps.db.all<{ actor: string | null; subject: string | null; peer_id: string | null; category: string; detail: string }>(
    sql`SELECT actor, subject, peer_id, category, detail FROM audit_events WHERE event_type = ${eventType} ORDER BY seq`,
  ).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
