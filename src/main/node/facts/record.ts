// A stored fact as served: the reference FactRecord fields in its order (§10.2), then our additions.
import { pyFloat, type RawJson } from '../json/pyjson.js';
import type { FactRow } from './repo.js';
import { wireValueV } from './values.js';

export interface WireFactRecord {
  id: string;
  entity: string;
  relation: string;
  value: { type: string; v: unknown; interpret_as: string };
  source: string;
  timestamp: string;
  hlc: string | null;
  received_from: string | null;
  valid_until: string | null;
  confidence: RawJson;
  scope: string;
  attested_key_id: string | null;
  origin_node_id: string | null;
  origin_allowed_scopes: string[] | null;
  garden_id: string | null;
  attested: boolean | null;
  contradicted: boolean;
  warnings: string[];
  source_trust: RawJson | null;
  quarantine_status: string | null;
  quarantine_garden_id: string | null;
  effective_confidence: RawJson | null;
  sanitizer_warnings: string[];
  sanitizer_redacted: boolean;
  cid: string | null;
  derived_from: unknown[];
  fact_id: string;
  quarantine_reason: string | null;
  attestation_chain: string[];
  retracted: boolean;
}

function parseJsonList<T>(text: string | null): T[] | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as T[]) : null;
  } catch {
    return null;
  }
}

/** Display-time overrides other components may apply (a rejected quarantine fact reads confidence 0). */
export interface RecordOverrides {
  contradicted?: boolean;
  confidence?: number;
  quarantineStatus?: string | null;
  effectiveConfidence?: number | null;
  attestationChain?: string[];
}

/** A rejected quarantine fact keeps its asserted confidence in storage (the CID covers it) but reads 0. */
const REJECTED_CONFIDENCE = 0;

export function toWireRecord(row: FactRow, o: RecordOverrides = {}): WireFactRecord {
  const quarantineStatus = o.quarantineStatus ?? row.quarantine_status ?? null;
  return {
    id: row.id,
    entity: row.entity,
    relation: row.relation,
    value: { type: row.value_type, v: wireValueV(row.value_type, row.value_v), interpret_as: row.interpret_as },
    source: row.source,
    timestamp: row.timestamp,
    hlc: row.hlc,
    received_from: row.received_from,
    valid_until: row.valid_until,
    confidence: pyFloat(o.confidence ?? (quarantineStatus === 'rejected' ? REJECTED_CONFIDENCE : row.confidence)),
    scope: row.scope,
    attested_key_id: row.attested_key_id,
    origin_node_id: row.origin_node_id,
    origin_allowed_scopes: parseJsonList<string>(row.origin_allowed_scopes),
    garden_id: row.garden_id,
    attested: row.attested === null ? null : row.attested === 1,
    contradicted: o.contradicted ?? row.is_contradicted === 1,
    warnings: parseJsonList<string>(row.warnings) ?? [],
    source_trust: row.source_trust === null ? null : pyFloat(row.source_trust),
    quarantine_status: quarantineStatus,
    quarantine_garden_id: row.quarantine_garden_id,
    effective_confidence: o.effectiveConfidence === undefined || o.effectiveConfidence === null ? null : pyFloat(o.effectiveConfidence),
    sanitizer_warnings: [],
    sanitizer_redacted: false,
    cid: row.cid,
    derived_from: parseJsonList<unknown>(row.derived_from) ?? [],
    fact_id: row.id,
    quarantine_reason: row.quarantine_reason,
    attestation_chain: o.attestationChain ?? [],
    retracted: row.is_retracted === 1,
  };
}
