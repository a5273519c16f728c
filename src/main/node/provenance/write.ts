// POST /v1/facts with provenance: the writer's attestation is checked, a capability token's rules applied, and the
// fact stored with this node's receipt signature, all in one transaction.
import { recordQuarantineArrival } from '../quarantine/arrival.js';
import type { Principal } from '../auth/permissions.js';
import { conflict } from '../errors.js';
import { gardenByRef } from '../facts/gardenRef.js';
import { factRowById } from '../facts/repo.js';
import type { WireFactRecord } from '../facts/record.js';
import { assertFact, type AssertOptions } from '../facts/service.js';
import type { AssertBody } from '../facts/schemas.js';
import { encodeFactValue } from '../facts/values.js';
import { isoFromMs } from '../clock.js';
import type { NodeDeps } from '../server/deps.js';
import { tokenWriteOptions } from '../tokens/write.js';
import { acceptedSignedTexts, checkWriterAttestation, receiptText, signedFactText, type CheckedAttestation } from './attestation.js';
import { attestationChains, chainOf, insertProvenance, type ReceivedVia } from './store.js';

function receivedVia(p: Principal): ReceivedVia {
  if (p.kind === 'capability') return 'token';
  return p.kind === 'anonymous' ? 'anonymous' : 'api_key';
}

/** The reference's agent-key attestation text: `entity\nrelation\ntype\nvalue_v\nsource` as sent. */
function legacyAttestationText(body: AssertBody): string {
  return `${body.entity}\n${body.relation}\n${body.value.type}\n${encodeFactValue(body.value, ['body', 'value']).valueV}\n${body.source}`;
}

export function postFact(deps: NodeDeps, principal: Principal, body: AssertBody): WireFactRecord {
  const nowMs = deps.clock.nowMs();
  const isToken = principal.kind === 'capability';
  const opts: AssertOptions = isToken ? tokenWriteOptions(deps, principal, body) : {};
  let signedText = signedFactText(body);
  let writer: CheckedAttestation | null = null;
  if (body.attestation) {
    writer = checkWriterAttestation(deps.db, body.attestation, acceptedSignedTexts(body), legacyAttestationText(body), nowMs);
    signedText = writer.signedText;
    opts.attestedKeyId = writer.keyId;
  }
  const { attestation: _attestation, write_mode: _mode, ...input } = body;
  return deps.db.transaction(() => {
    const r = assertFact(deps, principal, input, opts);
    const record = r.record;
    if (!r.created) {
      // Under a token the garden ACL was not consulted: hand back only a fact written to the garden this write names.
      if (isToken) {
        const row = factRowById(deps.db, record.id);
        const bodyGarden = body.garden_id ? (gardenByRef(deps.db, body.garden_id)?.id ?? null) : null;
        const asserted = row === undefined ? null : row.asserted_garden_id !== undefined ? row.asserted_garden_id : row.garden_id;
        if (asserted !== bodyGarden) {
          throw conflict({ code: 'fact_exists', message: 'an identical fact already exists in a garden you cannot read' }, 'fact_exists');
        }
      }
      return { ...record, attestation_chain: attestationChains(deps.db, [record.id]).get(record.id) ?? record.attestation_chain };
    }
    const org = deps.keys.org;
    const receipt = { signer: deps.orgEntityUri, keyId: org.keyId, publicKey: org.publicKey, signature: org.signB64(Buffer.from(receiptText(signedText, record.hlc ?? '', record.id), 'utf8')) };
    const writerPart = writer ? { form: writer.form, signer: writer.signer, keyId: writer.keyId, signature: writer.signature } : null;
    insertProvenance(deps.db, {
      factId: record.id,
      signedBody: signedText,
      writer: writerPart,
      receipt,
      receivedVia: receivedVia(principal),
      token: principal.capability ? { id: principal.capability.tokenId, json: principal.capability.tokenJson } : null,
      recordedAt: isoFromMs(nowMs),
    });
    const shown: WireFactRecord = { ...record, attestation_chain: chainOf({ writer: writerPart, receipt }) };
    if (opts.quarantineGardenId) {
      shown.quarantine_status = 'pending';
      recordQuarantineArrival(deps, { factId: record.id, quarantineGardenId: opts.quarantineGardenId, reason: opts.quarantineReason ?? '', sourceTrust: opts.sourceTrust ?? null, source: record.source, via: 'token', actor: principal.entityUri });
    }
    return shown;
  });
}
