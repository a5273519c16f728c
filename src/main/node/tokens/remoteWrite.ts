// Writing a fact to a peer under a capability token it issued, signed by this organisation's key, so the peer's
// attestation chain starts with our signature (CONTRACT.md "Facts and provenance").
import { isJsonObject } from '../manifests/input.js';
import type { Signer } from '../identity/signer.js';
import { parseJson } from '../json/parse.js';
import { encodeJson, pyFloat, RawJson } from '../json/pyjson.js';
import { signedFactText } from '../provenance/attestation.js';
import { VALUE_TYPES, SCOPES } from '../facts/values.js';
import { PeerHttpError, peerRequest, peerUrl } from '../federation/http.js';

export interface RemoteFact {
  entity: string;
  relation: string;
  valueType: string;
  /** The value as typed: text for text types, a number literal, true/false; ignored for null. */
  value: string;
  source: string;
  confidence: number;
  scope: string;
  validUntil?: string | null;
  gardenId?: string | null;
}

/** A write that cannot be sent: `code` says whether the token file, an argument or the peer stood in the way. */
export class RemoteWriteError extends Error {
  constructor(readonly code: 'token_file_invalid' | 'invalid_argument' | 'peer_unreachable', message: string) {
    super(message);
  }
}

/** The token text from a file's content: the token JSON itself, or an issue response carrying `token_json`. */
export function tokenFromFile(text: string): string {
  const trimmed = text.trim();
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    throw new RemoteWriteError('token_file_invalid', 'the token file does not hold JSON (save the token_json of the issue response, or the whole response)');
  }
  if (isJsonObject(doc) && typeof doc['token_json'] === 'string') return doc['token_json'];
  if (isJsonObject(doc) && doc['token_version'] !== undefined) return trimmed.replace(/\s*\n\s*/g, '');
  throw new RemoteWriteError('token_file_invalid', 'the token file holds neither a token nor an issue response with token_json');
}

function typedValue(type: string, text: string): unknown {
  switch (type) {
    case 'number':
      if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) throw new RemoteWriteError('invalid_argument', `--value ${JSON.stringify(text)} is not a number`);
      return new RawJson(text);
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new RemoteWriteError('invalid_argument', '--value must be true or false for a boolean');
      return text === 'true';
    case 'null':
      return undefined;
    default:
      return text;
  }
}

/** The POST /v1/facts body text, with the writer attestation of `signerEntity` signed by `signer`. */
export function signedFactBody(fact: RemoteFact, signer: Signer, signerEntity: string): string {
  if (!(VALUE_TYPES as readonly string[]).includes(fact.valueType)) throw new RemoteWriteError('invalid_argument', `--value-type must be one of ${VALUE_TYPES.join(', ')}`);
  if (!(SCOPES as readonly string[]).includes(fact.scope)) throw new RemoteWriteError('invalid_argument', `--scope must be one of ${SCOPES.join(', ')}`);
  if (!(fact.confidence >= 0 && fact.confidence <= 1)) throw new RemoteWriteError('invalid_argument', '--confidence must be a number from 0 to 1');
  const v = typedValue(fact.valueType, fact.value);
  const body: Record<string, unknown> = {
    entity: fact.entity,
    relation: fact.relation,
    value: { type: fact.valueType, ...(v === undefined ? {} : { v }), interpret_as: 'content' },
    source: fact.source,
    confidence: pyFloat(fact.confidence),
    scope: fact.scope,
    valid_until: fact.validUntil ?? null,
  };
  if (fact.gardenId) body['garden_id'] = fact.gardenId;
  // Sign what the receiver will parse, so both sides compute the same canonical text.
  const signedText = signedFactText(parseJson(encodeJson(body)) as Parameters<typeof signedFactText>[0]);
  body['attestation'] = { signer: signerEntity, key_id: signer.keyId, signature: signer.signB64(Buffer.from(signedText, 'utf8')) };
  return encodeJson(body);
}

export interface RemoteWriteResult {
  status: number;
  body: unknown;
  text: string;
}

export async function writeFactToPeer(opts: { to: string; tokenJson: string; fact: RemoteFact; signer: Signer; signerEntity: string; timeoutMs?: number }): Promise<RemoteWriteResult> {
  const body = signedFactBody(opts.fact, opts.signer, opts.signerEntity);
  try {
    const res = await peerRequest(peerUrl(opts.to, '/v1/facts'), {
      method: 'POST', body, timeoutMs: opts.timeoutMs ?? 15_000,
      headers: { authorization: `Bearer ${opts.tokenJson}`, 'content-type': 'application/json', accept: 'application/json' },
    });
    return { status: res.status, body: res.json, text: res.bytes.toString('utf8') };
  } catch (e) {
    throw new RemoteWriteError('peer_unreachable', e instanceof PeerHttpError ? e.message : `cannot reach ${opts.to}`);
  }
}
