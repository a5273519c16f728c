// Content ids of facts (REFERENCE-NODE.md §10.3): sha256 over the JCS flavour of seven asserted fields.
import { hash } from 'node:crypto';
import { canonicalJcs } from '../json/canonical.js';
import { encodeString, pyFloat, pyFloatRepr } from '../json/pyjson.js';

export const CID_PREFIX = 'sha256:';
const WELL_FORMED_CID = /^sha256:[0-9a-f]{64}$/;

export interface CidFields {
  entity: string;
  relation: string;
  valueType: string;
  valueV: string;
  source: string;
  scope: string;
  confidence: number;
}

/** The canonical body, byte for byte as the reference's `compute_cid` builds it (confidence always a float). */
export function cidBody(f: CidFields): string {
  // The seven keys are already in code-point order, so the canonical form can be written directly (a hot path).
  return (
    `{"confidence":${pyFloatRepr(f.confidence)},"entity":${encodeString(f.entity)},"relation":${encodeString(f.relation)},` +
    `"scope":${encodeString(f.scope)},"source":${encodeString(f.source)},"value_type":${encodeString(f.valueType)},"value_v":${encodeString(f.valueV)}}`
  );
}

/** The generic encoder's output, kept to prove the direct form above is byte-identical. */
export function cidBodyViaEncoder(f: CidFields): string {
  return canonicalJcs({
    confidence: pyFloat(f.confidence),
    entity: f.entity,
    relation: f.relation,
    scope: f.scope,
    source: f.source,
    value_type: f.valueType,
    value_v: f.valueV,
  });
}

export function computeCid(f: CidFields): string {
  return CID_PREFIX + hash('sha256', cidBody(f), 'hex');
}

/** Anything that claims to be a CID (starts with `sha256:`), well formed or not. */
export function looksLikeCid(s: string): boolean {
  return s.startsWith(CID_PREFIX);
}

export function isWellFormedCid(s: string): boolean {
  return WELL_FORMED_CID.test(s);
}

/** The CID recomputed from a stored row's asserted columns. */
export function cidOfRow(row: { entity: string; relation: string; value_type: string; value_v: string; source: string; scope: string; confidence: number }): string {
  return computeCid({
    entity: row.entity,
    relation: row.relation,
    valueType: row.value_type,
    valueV: row.value_v,
    source: row.source,
    scope: row.scope,
    confidence: row.confidence,
  });
}
