// GET /v1/facts/{id}/provenance: every signature in the chain checked against the signers' manifests held here, the
// capability token the write came under, where the fact came from, and every moderation decision taken on it.
import type { TokenFields } from '../tokens/format.js';
import { fromBase64Url } from '../crypto/base64url.js';
import { verifySignature } from '../crypto/ed25519.js';
import { cidOfRow } from '../facts/cid.js';
import type { FactRow } from '../facts/repo.js';
import { normaliseOrRaw } from '../facts/normalise.js';
import { encodeFactValue } from '../facts/values.js';
import { activePeerByNodeId } from '../federation/peers/repo.js';
import { parseJson } from '../json/parse.js';
import { pyFloat } from '../json/pyjson.js';
import { manifestCovering } from '../manifests/store.js';
import type { NodeDeps } from '../server/deps.js';
import { manifestKeys } from '../tokens/manifestKeys.js';
import { parseToken } from '../tokens/format.js';
import { verifyCapabilityToken } from '../tokens/verify.js';
import { fieldsFromSignedText, receiptText } from './attestation.js';
import { moderationDecisions, type ModerationDecision } from './decisions.js';
import { provenanceOf, type ProvenanceRow } from './store.js';

export interface AttestationReport {
  role: 'writer' | 'receipt';
  signer: string | null;
  key_id: string | null;
  signature: string;
  /** True when a key vouched for by the signer's manifest held here verifies the signature. */
  verified: boolean;
  /** Which key verified it: the manifest's current key, a key it rotated away from, or only the key recorded with it. */
  verified_with: 'manifest_key' | 'manifest_previous_key' | 'recorded_key' | null;
  detail: string | null;
}

type Deps = Pick<NodeDeps, 'db' | 'clock'>;

function check(deps: Deps, role: AttestationReport['role'], signer: string | null, keyId: string | null, signature: string, bodies: Buffer[], recordedKey: string | null): AttestationReport {
  const base = { role, signer, key_id: keyId, signature };
  const sig = fromBase64Url(signature);
  if (!sig || sig.length !== 64) return { ...base, verified: false, verified_with: null, detail: 'signature is not a base64url 64-byte Ed25519 signature' };
  const verifies = (key: Uint8Array): boolean => bodies.some((b) => verifySignature(key, b, sig));
  const manifest = signer ? manifestCovering(deps.db, signer, deps.clock.nowMs()) : undefined;
  if (manifest) {
    const key = manifestKeys(manifest).find((k) => verifies(k.publicKey));
    if (key) return { ...base, verified: true, verified_with: key.kind === 'current' ? 'manifest_key' : 'manifest_previous_key', detail: null };
    return { ...base, verified: false, verified_with: null, detail: `no key of the manifest of ${manifest.entity_uri} verifies this signature` };
  }
  const recorded = recordedKey ? fromBase64Url(recordedKey) : null;
  if (recorded && recorded.length === 32 && verifies(recorded)) {
    return { ...base, verified: false, verified_with: 'recorded_key', detail: `no unexpired manifest for ${signer ?? 'the signer'} is held here; the signature matches only the key recorded with it` };
  }
  return { ...base, verified: false, verified_with: null, detail: `no unexpired manifest for ${signer ?? 'the signer'} is held here` };
}

function legacyText(signedText: string): string | null {
  try {
    const fields = parseJson(signedText) as Record<string, unknown>;
    const value = fields['value'] as { type: string; v?: unknown; interpret_as?: string };
    return `${String(fields['entity'])}\n${String(fields['relation'])}\n${value.type}\n${encodeFactValue(value, ['value']).valueV}\n${String(fields['source'])}`;
  } catch {
    return null;
  }
}

/** The signed body describes the stored fact (after the normalisation the write applied). */
function bodyMatchesFact(signedText: string, row: FactRow): boolean {
  try {
    // Parsed afresh so a number keeps its literal (encodeFactValue reads it as the write did).
    const fields = parseJson(signedText) as Record<string, unknown>;
    const value = fields['value'] as { type: string; v?: unknown; interpret_as?: string };
    const encoded = encodeFactValue(value, ['value']);
    return normaliseOrRaw(String(fields['entity'])) === row.entity && fields['relation'] === row.relation && normaliseOrRaw(String(fields['source'])) === row.source
      && fields['scope'] === row.scope && fields['confidence'] === row.confidence && (fields['valid_until'] ?? null) === row.valid_until
      && encoded.type === row.value_type && encoded.valueV === row.value_v && encoded.interpretAs === row.interpret_as;
  } catch {
    return false;
  }
}

function attestations(deps: Deps, row: FactRow, p: ProvenanceRow): AttestationReport[] {
  const out: AttestationReport[] = [];
  if (p.writer_signature) {
    const bodies = [Buffer.from(p.signed_body, 'utf8')];
    const legacy = p.writer_form === 'key_id' ? legacyText(p.signed_body) : null;
    if (legacy) bodies.push(Buffer.from(legacy, 'utf8'));
    out.push(check(deps, 'writer', p.writer_signer, p.writer_key_id, p.writer_signature, bodies, null));
  }
  const receipt = Buffer.from(receiptText(p.signed_body, row.hlc, row.id), 'utf8');
  out.push(check(deps, 'receipt', p.receipt_signer, p.receipt_key_id, p.receipt_signature, [receipt], p.receipt_public_key));
  return out;
}

export interface TokenReport extends TokenFields {
  valid_now: boolean;
  reason: string | null;
}

function tokenReport(deps: Deps, tokenJson: string): TokenReport | null {
  const parsed = parseToken(tokenJson);
  if (!parsed.ok) return null;
  const t = parsed.token;
  const verdict = verifyCapabilityToken(deps, tokenJson);
  return {
    token_id: t.token_id, issuer: t.issuer, subject: t.subject, verb: t.verb, object: t.object, issued_at: t.issued_at, expiry: t.expiry,
    valid_now: verdict.valid, reason: verdict.valid ? null : verdict.reason,
  };
}

function receivedVia(row: FactRow, p: ProvenanceRow | undefined): string {
  if (p) return p.received_via;
  if (row.origin_node_id !== null || row.received_from !== null) return 'federation';
  return 'unknown';
}

export function provenanceReport(deps: Deps, row: FactRow) {
  const p = provenanceOf(deps.db, row.id);
  const atts = p ? attestations(deps, row, p) : [];
  const signedBody = p ? fieldsFromSignedText(p.signed_body) : null;
  const peer = row.received_from !== null && p?.received_via !== 'token' ? activePeerByNodeId(deps.db, row.received_from) : undefined;
  const decisions: ModerationDecision[] = moderationDecisions(deps.db, row.id);
  return {
    fact_id: row.id,
    cid: row.cid,
    cid_valid: cidOfRow(row) === row.cid,
    entity: row.entity,
    relation: row.relation,
    source: row.source,
    received_via: receivedVia(row, p),
    written_by: row.written_by,
    signed_body: signedBody,
    signed_body_matches_fact: p ? bodyMatchesFact(p.signed_body, row) : null,
    attestation_chain: atts.map((a) => a.signature),
    attestations: atts,
    chain_verified: atts.length > 0 && atts.every((a) => a.verified) && p !== undefined && bodyMatchesFact(p.signed_body, row),
    capability_token: p?.token_json ? tokenReport(deps, p.token_json) : null,
    receiving_peer: {
      received_from: row.received_from,
      origin_node_id: row.origin_node_id,
      peer: peer ? { peer_id: peer.id, node_id: peer.node_id, node_url: peer.node_url, entity_uri: peer.entity_uri, status: peer.status } : null,
    },
    source_trust: row.source_trust === null ? null : pyFloat(row.source_trust),
    quarantine_status: row.quarantine_status ?? null,
    quarantine_garden_id: row.quarantine_garden_id,
    quarantine_reason: row.quarantine_reason,
    decisions,
    derived_from: JSON.parse(row.derived_from) as unknown[],
    recorded_at: p?.recorded_at ?? row.timestamp,
  };
}
