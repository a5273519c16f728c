// The peers table: who we replicate with, the key we pinned for them, and where their replication stands.
import { sql, type ReadDb, type WriteDb } from '../../db/sql.js';

export const PEER_STATUSES = ['pending_verification', 'pending_approval', 'active', 'rejected', 'revoked', 'key_mismatch', 'unreachable', 'removed'] as const;
export type PeerStatus = (typeof PEER_STATUSES)[number];
export type Registration = 'pinned' | 'manifest' | 'declaration';

/** Statuses a new registration of the same node replaces instead of answering 409. */
export const REPLACEABLE_STATUSES: readonly PeerStatus[] = ['removed', 'rejected', 'key_mismatch', 'unreachable', 'revoked'];

export interface PeerRow {
  id: string;
  node_id: string | null;
  node_url: string;
  entity_uri: string | null;
  trusted_public_key: string;
  status: PeerStatus;
  registration: Registration;
  allowed_scopes: string;
  declaration: string | null;
  created_at: string;
  established_at: string | null;
  removed_at: string | null;
  last_pull: string | null;
  last_success_at: string | null;
  pull_lag_ms: number | null;
  newest_remote_wall_ms: number | null;
  error: string | null;
  facts_received: number;
  facts_rejected: number;
  cursor: string | null;
  /** 1 once the peer has served a signed page: from then on an unsigned page from it is refused. */
  signs_pages: number;
}

export function peerById(db: ReadDb, id: string): PeerRow | undefined {
  return db.get<PeerRow>(sql`SELECT * FROM peers WHERE id = ${id}`);
}

/** The live (not removed) peer row for a node id or URL, newest first. */
export function livePeerFor(db: ReadDb, nodeId: string | null, nodeUrl: string): PeerRow | undefined {
  return db.get<PeerRow>(sql`SELECT * FROM peers WHERE status != 'removed' AND (node_url = ${nodeUrl} OR (node_id IS NOT NULL AND node_id = ${nodeId}))
    ORDER BY created_at DESC LIMIT 1`);
}

export function activePeerByNodeId(db: ReadDb, nodeId: string): PeerRow | undefined {
  return db.get<PeerRow>(sql`SELECT * FROM peers WHERE node_id = ${nodeId} AND status != 'removed' ORDER BY (status = 'active') DESC, created_at DESC LIMIT 1`);
}

export function listPeers(db: ReadDb, includeRemoved = false): PeerRow[] {
  return includeRemoved
    ? db.all<PeerRow>(sql`SELECT * FROM peers ORDER BY created_at`)
    : db.all<PeerRow>(sql`SELECT * FROM peers WHERE status != 'removed' ORDER BY created_at`);
}

export function activePeers(db: ReadDb): PeerRow[] {
  return db.all<PeerRow>(sql`SELECT * FROM peers WHERE status IN ('active', 'unreachable', 'key_mismatch') ORDER BY created_at`);
}

export interface NewPeer {
  id: string;
  nodeId: string | null;
  nodeUrl: string;
  entityUri: string | null;
  trustedPublicKey: string;
  status: PeerStatus;
  registration: Registration;
  allowedScopes: string[];
  declaration: string | null;
  createdAt: string;
  establishedAt: string | null;
  error: string | null;
}

export function insertPeer(db: WriteDb, p: NewPeer): void {
  db.run(sql`INSERT INTO peers (id, node_id, node_url, entity_uri, trusted_public_key, status, registration, allowed_scopes, declaration,
      created_at, established_at, error)
    VALUES (${p.id}, ${p.nodeId}, ${p.nodeUrl}, ${p.entityUri}, ${p.trustedPublicKey}, ${p.status}, ${p.registration},
      ${JSON.stringify(p.allowedScopes)}, ${p.declaration}, ${p.createdAt}, ${p.establishedAt}, ${p.error})`);
}

export function markRemoved(db: WriteDb, id: string, at: string): void {
  db.run(sql`UPDATE peers SET status = 'removed', removed_at = ${at} WHERE id = ${id}`);
}

export interface PeerUpdate {
  nodeId?: string | null;
  nodeUrl?: string;
  entityUri?: string | null;
  trustedPublicKey?: string;
  status?: PeerStatus;
  allowedScopes?: string[];
  establishedAt?: string | null;
  error?: string | null;
  signsPages?: boolean;
}

export function updatePeer(db: WriteDb, id: string, u: PeerUpdate): void {
  const cur = peerById(db, id);
  if (!cur) return;
  db.run(sql`UPDATE peers SET
      node_id = ${u.nodeId !== undefined ? u.nodeId : cur.node_id},
      node_url = ${u.nodeUrl ?? cur.node_url},
      entity_uri = ${u.entityUri !== undefined ? u.entityUri : cur.entity_uri},
      trusted_public_key = ${u.trustedPublicKey ?? cur.trusted_public_key},
      status = ${u.status ?? cur.status},
      allowed_scopes = ${u.allowedScopes ? JSON.stringify(u.allowedScopes) : cur.allowed_scopes},
      established_at = ${u.establishedAt !== undefined ? u.establishedAt : cur.established_at},
      error = ${u.error !== undefined ? u.error : cur.error},
      signs_pages = ${u.signsPages !== undefined ? (u.signsPages ? 1 : 0) : cur.signs_pages}
    WHERE id = ${id}`);
}

/**
 * Apply `u` only while the peer is still as `seen` was (same status, key and URL): a verdict the pull loop reached on a
 * row the operator re-pinned, moved or removed meanwhile is dropped. Returns whether it was applied.
 */
export function updatePeerIfUnchanged(db: WriteDb, seen: PeerRow, u: PeerUpdate): boolean {
  return db.transaction(() => {
    const now = peerById(db, seen.id);
    if (!now || now.status !== seen.status || now.trusted_public_key !== seen.trusted_public_key || now.node_url !== seen.node_url) return false;
    updatePeer(db, seen.id, u);
    return true;
  });
}

/** After a pull attempt: when, and whether it failed (error) — counts move only with a page's own transaction. */
export function recordPullAttempt(db: WriteDb, id: string, at: string, error: string | null, lagMs: number | null): void {
  if (error === null) {
    db.run(sql`UPDATE peers SET last_pull = ${at}, last_success_at = ${at}, error = NULL, pull_lag_ms = ${lagMs} WHERE id = ${id}`);
  } else {
    db.run(sql`UPDATE peers SET last_pull = ${at}, error = ${error} WHERE id = ${id}`);
  }
}

/** Saved in the same transaction as the page's facts, so a crash never loses or repeats part of a page. */
export function advanceCursor(db: WriteDb, id: string, cursor: string | null, received: number, rejected: number, newestRemoteWallMs: number | null, signed: boolean): void {
  db.run(sql`UPDATE peers SET cursor = ${cursor}, facts_received = facts_received + ${received}, facts_rejected = facts_rejected + ${rejected},
      signs_pages = MAX(signs_pages, ${signed ? 1 : 0}),
      newest_remote_wall_ms = MAX(COALESCE(newest_remote_wall_ms, 0), COALESCE(${newestRemoteWallMs}, 0))
    WHERE id = ${id}`);
}

export function parseScopes(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}
