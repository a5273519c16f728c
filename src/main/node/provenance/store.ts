// SQL for fact_provenance (migration 005): one append-only row per fact written through POST /v1/facts.
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';

export type ReceivedVia = 'api_key' | 'token' | 'anonymous';

export interface ProvenanceRow {
  fact_id: string;
  signed_body: string;
  attestation_chain: string;
  writer_form: 'manifest' | 'key_id' | null;
  writer_signer: string | null;
  writer_key_id: string | null;
  writer_signature: string | null;
  receipt_signer: string;
  receipt_key_id: string;
  receipt_public_key: string;
  receipt_signature: string;
  received_via: ReceivedVia;
  token_id: string | null;
  token_json: string | null;
  recorded_at: string;
}

export interface NewProvenance {
  factId: string;
  signedBody: string;
  writer: { form: 'manifest' | 'key_id'; signer: string | null; keyId: string; signature: string } | null;
  receipt: { signer: string; keyId: string; publicKey: string; signature: string };
  receivedVia: ReceivedVia;
  token: { id: string; json: string } | null;
  recordedAt: string;
}

/** The chain as records show it: the writer's signature (when there is one), then this node's receipt. */
export function chainOf(p: Pick<NewProvenance, 'writer' | 'receipt'>): string[] {
  return p.writer ? [p.writer.signature, p.receipt.signature] : [p.receipt.signature];
}

export function insertProvenance(db: WriteDb, p: NewProvenance): void {
  db.run(sql`INSERT INTO fact_provenance (fact_id, signed_body, attestation_chain, writer_form, writer_signer, writer_key_id, writer_signature,
      receipt_signer, receipt_key_id, receipt_public_key, receipt_signature, received_via, token_id, token_json, recorded_at)
    VALUES (${p.factId}, ${p.signedBody}, ${JSON.stringify(chainOf(p))}, ${p.writer?.form ?? null}, ${p.writer?.signer ?? null},
      ${p.writer?.keyId ?? null}, ${p.writer?.signature ?? null}, ${p.receipt.signer}, ${p.receipt.keyId}, ${p.receipt.publicKey},
      ${p.receipt.signature}, ${p.receivedVia}, ${p.token?.id ?? null}, ${p.token?.json ?? null}, ${p.recordedAt})`);
}

export function provenanceOf(db: ReadDb, factId: string): ProvenanceRow | undefined {
  return db.get<ProvenanceRow>(sql`SELECT * FROM fact_provenance WHERE fact_id = ${factId}`);
}

/** The attestation chain of each of `factIds` that has one (one query for a whole page of records). */
export function attestationChains(db: ReadDb, factIds: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (factIds.length === 0) return out;
  const rows = db.all<{ fact_id: string; attestation_chain: string }>(sql`SELECT fact_id, attestation_chain FROM fact_provenance
    WHERE fact_id IN (SELECT value FROM json_each(${JSON.stringify(factIds)}))`);
  for (const r of rows) out.set(r.fact_id, JSON.parse(r.attestation_chain) as string[]);
  return out;
}
