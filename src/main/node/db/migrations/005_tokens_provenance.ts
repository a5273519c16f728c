// 005: capability tokens, their revocations, and fact attestations.
import type { Migration } from './index.js';

export const m005TokensProvenance: Migration = {
  version: 5,
  name: 'tokens_provenance',
  up(_db) {},
};
