// Public transparency routes: a signed checkpoint, inclusion proofs and consistency proofs.
import { HttpError, notFound, unprocessable } from '../errors.js';
import { RawJson } from '../json/pyjson.js';
import type { App, NodeDeps } from '../server/deps.js';
import { signCheckpoint } from './checkpoint.js';
import { consistencyProof } from './merkle.js';
import {
  CheckpointRecord, ConsistencyQuery, ConsistencyRecord, ErrorBody, ProofQuery, ProofRecord,
} from './schemas.js';
import { initTransparencyLog, logEntryAt, readLeaf, rootHashAt, storedSubtrees, transparencyLogId, treeSize } from './store.js';

const TAGS = ['transparency'];
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
const publicRoute = { auth: 'public' as const };

export function registerTransparency(app: App, deps: NodeDeps): void {
  const { db } = deps;
  initTransparencyLog(db, deps.keys.org.publicKeyBytes);

  /** A requested size must exist now; larger sizes are promises the log has not made. */
  const sizeOrCurrent = (requested: number | undefined, name: string): number => {
    const current = treeSize(db);
    if (requested === undefined) return current;
    if (requested > current) throw unprocessable(`${name} ${requested} exceeds the current tree size ${current}`);
    return requested;
  };

  app.get('/v1/federation/transparency/checkpoint', {
    config: publicRoute,
    schema: { tags: TAGS, summary: 'The signed current tree head', security: [], response: { 200: CheckpointRecord } },
  }, async () => signCheckpoint(db, deps.keys.org, deps.clock.nowMs()));

  app.get('/v1/federation/transparency/proof', {
    config: publicRoute,
    schema: {
      tags: TAGS, summary: 'Inclusion proof of one leaf', security: [], querystring: ProofQuery,
      response: { 200: ProofRecord, ...errors(404, 422) },
    },
  }, async (req) => {
    const size = sizeOrCurrent(req.query.tree_size, 'tree_size');
    const index = req.query.log_index;
    if (index >= size) {
      if (req.query.tree_size !== undefined) throw unprocessable(`log_index ${index} is not in a tree of size ${size}`);
      throw notFound(`log_index ${index} not found (tree size ${size})`);
    }
    const entry = logEntryAt(db, index, size);
    const leaf = readLeaf(db, index);
    if (!entry || !leaf) throw new HttpError(500, 'transparency log leaf is missing');
    // The entry is served as the exact canonical bytes that were hashed.
    return { ...entry, kind: leaf.kind, entry: new RawJson(leaf.entry.toString('utf8')) };
  });

  app.get('/v1/federation/transparency/consistency', {
    config: publicRoute,
    schema: {
      tags: TAGS, summary: 'Consistency proof between two tree sizes', security: [], querystring: ConsistencyQuery,
      response: { 200: ConsistencyRecord, ...errors(422) },
    },
  }, async (req) => {
    const second = sizeOrCurrent(req.query.second, 'second');
    const first = req.query.first;
    if (first < 1 || first > second) throw unprocessable(`first must be between 1 and second (${second})`);
    const src = storedSubtrees(db);
    return {
      log_id: transparencyLogId(db),
      first,
      second,
      first_root_hash: rootHashAt(db, first).toString('hex'),
      second_root_hash: rootHashAt(db, second).toString('hex'),
      consistency_proof: consistencyProof(src, first, second).map((h) => h.toString('hex')),
    };
  });
}
