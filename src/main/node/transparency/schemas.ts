// Wire schemas of the transparency routes: query validation and /docs.
import { Type } from 'typebox';

const Hex256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lowercase hex' });
const TreePosition = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() });

export const LogEntryRecord = Type.Object({
  log_id: Type.String({ description: 'first 16 hex of SHA-256 of the org public key that created the log' }),
  log_index: Type.Integer(),
  leaf_hash: Hex256,
  integrated_time: Type.Integer({ description: 'Unix seconds' }),
  tree_size: Type.Integer(),
  root_hash: Hex256,
  inclusion_proof: Type.Array(Hex256, { description: 'RFC 6962 audit path, leaf-side sibling first' }),
});

export const CheckpointRecord = Type.Object({
  log_id: Type.String(),
  tree_size: Type.Integer(),
  root_hash: Hex256,
  timestamp: Type.String(),
  signer_public_key: Type.String(),
  key_id: Type.String(),
  signature: Type.String({ description: 'Ed25519 by the org key over canonical JCS of the other six fields' }),
});

export const ProofQuery = Type.Object({
  log_index: TreePosition,
  tree_size: Type.Optional(TreePosition),
});

export const ProofRecord = Type.Object({
  ...LogEntryRecord.properties,
  kind: Type.String(),
  entry: Type.Unknown({ description: 'the logged object; its canonical JCS bytes are the leaf data' }),
});

export const ConsistencyQuery = Type.Object({
  first: TreePosition,
  second: Type.Optional(TreePosition),
});

export const ConsistencyRecord = Type.Object({
  log_id: Type.String(),
  first: Type.Integer(),
  second: Type.Integer(),
  first_root_hash: Hex256,
  second_root_hash: Hex256,
  consistency_proof: Type.Array(Hex256),
});
