// Fact attestations (CONTRACT.md "Facts and provenance"): the writer's signature over the JCS flavour of the fact's
// seven asserted fields as sent, checked against the signer's manifest held here; and this node's receipt signature
// over the same fields plus `hlc` and `id`.
import { fromBase64Url } from '../crypto/base64url.js';
import { verifySignature } from '../crypto/ed25519.js';
import { sql, type ReadDb } from '../db/sql.js';
import { badRequest } from '../errors.js';
import { canonicalJcs } from '../json/canonical.js';
import { numberLiteral, parseJson } from '../json/parse.js';
import { pyFloat, RawJson } from '../json/pyjson.js';
import { manifestCovering, type StoredManifest } from '../manifests/store.js';
import { pythonNumberText } from '../facts/values.js';
import { manifestKeys, type VouchedKey } from '../tokens/manifestKeys.js';

/** The fields a writer signs, as the POST /v1/facts body carries them. */
export interface SignableFact {
  entity: string;
  relation: string;
  value: { type: string; v?: unknown; interpret_as?: string };
  source: string;
  confidence?: number;
  scope?: string;
  valid_until?: string | null;
}

/** A number keeps the form Python would read from its literal (`42` stays an integer, `42.50` becomes `42.5`). */
function signableNumber(container: object, key: string, n: number): RawJson | number {
  const literal = numberLiteral(container, key);
  if (literal === undefined) return n;
  try {
    return new RawJson(pythonNumberText(literal));
  } catch {
    return n;
  }
}

/**
 * The object both signatures cover. Defaults are filled in (confidence 1.0, scope "local", valid_until null,
 * interpret_as "content"); confidence is always a float, as every JCS-flavour body writes it.
 */
export function signableFields(f: SignableFact): Record<string, unknown> {
  const value: Record<string, unknown> = { ...f.value, interpret_as: f.value.interpret_as ?? 'content' };
  if (typeof f.value.v === 'number') value['v'] = signableNumber(f.value, 'v', f.value.v);
  return {
    confidence: pyFloat(f.confidence ?? 1),
    entity: f.entity,
    relation: f.relation,
    scope: f.scope ?? 'local',
    source: f.source,
    valid_until: f.valid_until ?? null,
    value,
  };
}

export function signedFactText(f: SignableFact): string {
  return canonicalJcs(signableFields(f));
}

/**
 * The texts a writer may have signed: the canonical one, and, when the value is plain content, the same without
 * `interpret_as` (a writer that left the default out signed the value exactly as it sent it).
 */
export function acceptedSignedTexts(f: SignableFact): string[] {
  const full = signableFields(f);
  const value = full['value'] as Record<string, unknown>;
  if (value['interpret_as'] !== 'content') return [canonicalJcs(full)];
  const { interpret_as: _i, ...plain } = value;
  return [canonicalJcs(full), canonicalJcs({ ...full, value: plain })];
}

/** The signed fields back from their canonical text, numbers kept exactly as written there. */
export function fieldsFromSignedText(text: string): Record<string, unknown> {
  const fields = parseJson(text) as Record<string, unknown>;
  const literalOf = (o: object, k: string): RawJson | undefined => {
    const lit = numberLiteral(o, k);
    return lit === undefined ? undefined : new RawJson(lit);
  };
  const out: Record<string, unknown> = { ...fields, confidence: literalOf(fields, 'confidence') ?? fields['confidence'] };
  const value = fields['value'];
  if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['v'] === 'number') {
    out['value'] = { ...value, v: literalOf(value, 'v') ?? (value as Record<string, unknown>)['v'] };
  }
  return out;
}

/** The receipt's bytes: the signed fields plus where this node put the fact. */
export function receiptText(signedText: string, hlc: string, id: string): string {
  return canonicalJcs({ ...fieldsFromSignedText(signedText), hlc, id });
}

export interface WriterAttestationInput {
  signer?: string;
  key_id: string;
  signature: string;
}

export interface CheckedAttestation {
  form: 'manifest' | 'key_id';
  signer: string | null;
  keyId: string;
  signature: string;
  /** The signed text that verified (what the receipt and the provenance report then use). */
  signedText: string;
}

function verifiesWith(keys: VouchedKey[], bodies: Buffer[], sig: Buffer): boolean {
  return keys.some((k) => bodies.some((b) => verifySignature(k.publicKey, b, sig)));
}

/** Current manifests held here whose key carries `keyId` (the reference's agent-key form names only a key id). */
function manifestsWithKeyId(db: ReadDb, keyId: string, nowMs: number): StoredManifest[] {
  return db.all<StoredManifest>(sql`SELECT m.* FROM federation_manifests m WHERE m.key_id = ${keyId} AND m.expires_at_ms > ${nowMs}
    AND m.seq = (SELECT MAX(seq) FROM federation_manifests WHERE entity_uri = m.entity_uri) ORDER BY m.seq DESC LIMIT 20`);
}

/**
 * Check a writer attestation over any of `signedTexts`; throws 400 with the reason when it does not verify.
 * `legacyText` is the reference's agent-key body (`entity\nrelation\ntype\nvalue_v\nsource`), accepted for the
 * key-id-only form.
 */
export function checkWriterAttestation(db: ReadDb, att: WriterAttestationInput, signedTexts: string[], legacyText: string, nowMs: number): CheckedAttestation {
  const sig = fromBase64Url(att.signature);
  if (!sig || sig.length !== 64) throw badRequest('attestation signature verification failed', 'attestation_invalid');
  if (att.signer !== undefined) {
    const manifest = manifestCovering(db, att.signer, nowMs);
    if (!manifest) throw badRequest(`attestation signer '${att.signer.slice(0, 256)}' has no unexpired manifest held by this node`, 'attestation_signer_unknown');
    const keys = manifestKeys(manifest, nowMs);
    const signedText = signedTexts.find((t) => verifiesWith(keys, [Buffer.from(t, 'utf8')], sig));
    if (signedText === undefined) throw badRequest('attestation signature verification failed', 'attestation_invalid');
    return { form: 'manifest', signer: att.signer, keyId: att.key_id, signature: att.signature, signedText };
  }
  const manifests = manifestsWithKeyId(db, att.key_id, nowMs);
  if (manifests.length === 0) throw badRequest(`attestation.key_id '${att.key_id.slice(0, 128)}' not found`, 'attestation_key_unknown');
  for (const m of manifests) {
    const keys = manifestKeys(m, nowMs);
    const signedText = signedTexts.find((t) => verifiesWith(keys, [Buffer.from(t, 'utf8')], sig));
    if (signedText !== undefined || verifiesWith(keys, [Buffer.from(legacyText, 'utf8')], sig)) {
      return { form: 'key_id', signer: m.entity_uri, keyId: att.key_id, signature: att.signature, signedText: signedText ?? signedTexts[0]! };
    }
  }
  throw badRequest('attestation signature verification failed', 'attestation_invalid');
}
