// A served record as JSON text without the generic encoder: peers pull hundreds of records a page, so the field order of
// WireFactRecord is written out once here. Byte-identical to encodeJson(record) (a test holds the two together).
import { encodeJson, encodeString, RawJson } from '../json/pyjson.js';
import type { WireFactRecord } from './record.js';

const str = (s: string | null): string => (s === null ? 'null' : encodeString(s));
const raw = (r: RawJson | null): string => (r === null ? 'null' : r.text);
const strings = (a: string[] | null): string => (a === null ? 'null' : `[${a.map((s) => encodeString(s)).join(',')}]`);
const bool = (b: boolean | null): string => (b === null ? 'null' : b ? 'true' : 'false');

function valueV(v: unknown): string {
  if (typeof v === 'string') return encodeString(v);
  return v instanceof RawJson ? v.text : encodeJson(v);
}

export function encodeWireRecord(r: WireFactRecord): string {
  return (
    `{"id":${encodeString(r.id)},"entity":${encodeString(r.entity)},"relation":${encodeString(r.relation)},` +
    `"value":{"type":${encodeString(r.value.type)},"v":${valueV(r.value.v)},"interpret_as":${encodeString(r.value.interpret_as)}},` +
    `"source":${encodeString(r.source)},"timestamp":${encodeString(r.timestamp)},"hlc":${str(r.hlc)},"received_from":${str(r.received_from)},` +
    `"valid_until":${str(r.valid_until)},"confidence":${r.confidence.text},"scope":${encodeString(r.scope)},` +
    `"attested_key_id":${str(r.attested_key_id)},"origin_node_id":${str(r.origin_node_id)},"origin_allowed_scopes":${strings(r.origin_allowed_scopes)},` +
    `"garden_id":${str(r.garden_id)},"attested":${bool(r.attested)},"contradicted":${bool(r.contradicted)},"warnings":${strings(r.warnings)},` +
    `"source_trust":${raw(r.source_trust)},"quarantine_status":${str(r.quarantine_status)},"quarantine_garden_id":${str(r.quarantine_garden_id)},` +
    `"effective_confidence":${raw(r.effective_confidence)},"sanitizer_warnings":${strings(r.sanitizer_warnings)},"sanitizer_redacted":${bool(r.sanitizer_redacted)},` +
    `"cid":${str(r.cid)},"derived_from":${encodeJson(r.derived_from)},"fact_id":${encodeString(r.fact_id)},"quarantine_reason":${str(r.quarantine_reason)},` +
    `"attestation_chain":${strings(r.attestation_chain)},"retracted":${bool(r.retracted)}}`
  );
}
