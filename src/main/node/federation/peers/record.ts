// The peer record as the API shows it: the reference's fields plus the runbook's replication status.
import { approvalFingerprint, humanFingerprint } from '../../crypto/ed25519.js';
import { fromBase64Url } from '../../crypto/base64url.js';
import { parseScopes, type PeerRow } from './repo.js';

export interface PeerRecord {
  id: string;
  peer_id: string;
  peer_url: string;
  node_url: string;
  node_id: string | null;
  entity_uri: string | null;
  trusted_public_key: string;
  /** Null while no key is pinned (a peer registered by its entity whose manifest is not verified yet). */
  fingerprint: string | null;
  human_fingerprint: string | null;
  status: string;
  registration: string;
  allowed_scopes: string[];
  established_at: string | null;
  last_pull: string | null;
  pull_lag_ms: number | null;
  error: string | null;
  facts_received: number;
  facts_rejected: number;
  cursor: string | null;
  verified_at: null;
}

export function toPeerRecord(row: PeerRow): PeerRecord {
  const raw = fromBase64Url(row.trusted_public_key);
  return {
    id: row.id,
    peer_id: row.id,
    peer_url: row.node_url,
    node_url: row.node_url,
    node_id: row.node_id,
    entity_uri: row.entity_uri,
    trusted_public_key: row.trusted_public_key,
    fingerprint: row.trusted_public_key === '' ? null : approvalFingerprint(row.trusted_public_key),
    human_fingerprint: raw && raw.length === 32 ? humanFingerprint(raw) : null,
    status: row.status,
    registration: row.registration,
    allowed_scopes: parseScopes(row.allowed_scopes),
    established_at: row.established_at,
    last_pull: row.last_pull,
    pull_lag_ms: row.pull_lag_ms,
    error: row.error,
    facts_received: row.facts_received,
    facts_rejected: row.facts_rejected,
    cursor: row.cursor,
    verified_at: null,
  };
}
