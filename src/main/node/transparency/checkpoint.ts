// A signed checkpoint: the log's size and root at a moment, signed by the node's org key over canonical JCS.
import { isoFromMs } from '../clock.js';
import { normaliseKey } from '../crypto/base64url.js';
import { verifyB64 } from '../crypto/ed25519.js';
import type { ReadDb } from '../db/sql.js';
import type { Signer } from '../identity/signer.js';
import { canonicalJcsBytes } from '../json/canonical.js';
import { rootHashAt, transparencyLogId, treeSize } from './store.js';
import { toHashBytes } from './verifier.js';

export interface Checkpoint {
  log_id: string;
  tree_size: number;
  root_hash: string;
  timestamp: string;
  signer_public_key: string;
  key_id: string;
  signature: string;
}

type CheckpointBody = Omit<Checkpoint, 'signature'>;

export function signCheckpoint(db: ReadDb, signer: Signer, nowMs: number): Checkpoint {
  const size = treeSize(db);
  const body: CheckpointBody = {
    log_id: transparencyLogId(db),
    tree_size: size,
    root_hash: rootHashAt(db, size).toString('hex'),
    timestamp: isoFromMs(nowMs),
    signer_public_key: signer.publicKey,
    key_id: signer.keyId,
  };
  return { ...body, signature: signer.signB64(canonicalJcsBytes(body)) };
}

/** Offline check of a checkpoint's self-consistency and signature; `trustedPublicKey` pins the signer when given. */
export function verifyCheckpoint(checkpoint: unknown, trustedPublicKey?: string): boolean {
  if (typeof checkpoint !== 'object' || checkpoint === null) return false;
  const c = checkpoint as Record<string, unknown>;
  const { log_id, tree_size, root_hash, timestamp, signer_public_key, key_id, signature } = c;
  if (typeof log_id !== 'string' || typeof timestamp !== 'string' || typeof key_id !== 'string' || typeof signature !== 'string') return false;
  if (typeof signer_public_key !== 'string' || typeof root_hash !== 'string' || !toHashBytes(root_hash)) return false;
  if (typeof tree_size !== 'number' || !Number.isSafeInteger(tree_size) || tree_size < 0) return false;
  if (trustedPublicKey !== undefined) {
    const pinned = normaliseKey(trustedPublicKey);
    if (pinned === null || pinned !== normaliseKey(signer_public_key)) return false;
  }
  const body: CheckpointBody = { log_id, tree_size, root_hash, timestamp, signer_public_key, key_id };
  return verifyB64(signer_public_key, canonicalJcsBytes(body), signature);
}
