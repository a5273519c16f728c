// What one write transaction shares: the database, the node's HLC and one timestamp; plus the node's own meta-facts.
import { isoFromMs } from '../clock.js';
import { sql, type WriteDb } from '../db/sql.js';
import type { NodeDeps } from '../server/deps.js';
import { computeCid } from './cid.js';
import { newFactId } from './factId.js';
import { nodeHlc, persistHlc, type Hlc } from './hlc.js';
import { insertFactRow, tripleCidMatches } from './repo.js';

export const SYSTEM_SOURCE = 'system:stigmem';

export interface WriteContext {
  db: WriteDb;
  hlc: Hlc;
  nowMs: number;
  timestamp: string;
  /** The entity acting (written_by, resolved_by). */
  actor: string;
}

export function writeContext(deps: Pick<NodeDeps, 'db' | 'clock'>, actor: string): WriteContext {
  const nowMs = deps.clock.nowMs();
  return { db: deps.db, hlc: nodeHlc(deps.db, () => deps.clock.nowMs()), nowMs, timestamp: isoFromMs(nowMs), actor };
}

/** Run `fn` in one transaction and record the HLC position with it. */
export function inWriteTransaction<T>(ctx: WriteContext, fn: () => T): T {
  return ctx.db.transaction(() => {
    const result = fn();
    persistHlc(ctx.db, ctx.hlc);
    return result;
  });
}

export interface SystemFact {
  entity: string;
  relation: string;
  valueType: 'string' | 'text' | 'ref';
  valueV: string;
  scope: string;
  gardenId: string | null;
}

/** A `system:stigmem` bookkeeping fact (conflict and resolution records); returns its id. */
export function insertSystemFact(ctx: WriteContext, f: SystemFact): string {
  const cid = computeCid({ entity: f.entity, relation: f.relation, valueType: f.valueType, valueV: f.valueV, source: SYSTEM_SOURCE, scope: f.scope, confidence: 1 });
  const existing = ctx.db.get<{ id: string }>(sql`SELECT f.id FROM facts f WHERE ${tripleCidMatches('f', { entity: f.entity, relation: f.relation, scope: f.scope, cid })}`);
  if (existing) return existing.id;
  const id = newFactId(ctx.nowMs);
  insertFactRow(ctx.db, {
    id,
    cid,
    entity: f.entity,
    relation: f.relation,
    valueType: f.valueType,
    valueV: f.valueV,
    interpretAs: 'content',
    source: SYSTEM_SOURCE,
    timestamp: ctx.timestamp,
    hlc: ctx.hlc.tick(),
    confidence: 1,
    scope: f.scope,
    validUntil: null,
    validUntilMs: null,
    gardenId: f.gardenId,
    receivedFrom: null,
    originNodeId: null,
    originAllowedScopes: null,
    attestedKeyId: null,
    attested: null,
    writtenBy: SYSTEM_SOURCE,
    derivedFrom: '[]',
    warnings: [],
    sourceTrust: null,
    quarantineGardenId: null,
    quarantineReason: null,
  });
  return id;
}
