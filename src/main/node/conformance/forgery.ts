// Forged credentials for the adversarial capability-token scenarios, one recipe per `forgery_shape`.
import { randomBytes, randomUUID } from 'node:crypto';
import { isoFromMs } from '../clock.js';
import { toBase64Url } from '../crypto/base64url.js';
import { generateSeed, signBytes } from '../crypto/ed25519.js';
import { canonicalJcs, canonicalJcsBytes } from '../json/canonical.js';
import { encodeJson, pyFloat } from '../json/pyjson.js';
import { isObject } from './load.js';
import type { JsonObject } from './types.js';

/** What to send: the full Authorization value and the JSON body, or why the shape cannot be built. */
export type Forgery = { authorization: string; body: string | undefined; sendTwice: boolean; note: string } | { error: string };

/** Who the forger pretends to be: normally the target node's own org, so only a real signature check stops it. */
export interface ForgeryTarget {
  orgEntity: string;
}

export const OVERSIZED_TOKEN_BYTES = 17 * 1024;

/** A capability token in the reference format (§3.2, §9.1), signed by `seed`; `overrides` are merged before signing. */
export function signedToken(seed: Uint8Array, fields: { issuer: string; subject: string; verb?: string; object?: string }, overrides: JsonObject = {}): JsonObject {
  const now = Date.now();
  const body: JsonObject = {
    token_id: randomUUID(),
    token_version: 1,
    issuer: fields.issuer,
    subject: fields.subject,
    verb: fields.verb ?? 'write',
    object: fields.object ?? 'stigmem://facts',
    issued_at: isoFromMs(now),
    expiry: isoFromMs(now + 3600_000),
    nonce: randomBytes(32).toString('hex'),
  };
  for (const [k, v] of Object.entries(overrides)) {
    // The corpus names claims JWT-style; `exp` is the reference token's `expiry`, and capabilities pick the verb.
    if (k === 'exp' && typeof v === 'number') body['expiry'] = isoFromMs(v * 1000);
    else if (k === 'capabilities' && Array.isArray(v)) {
      body['capabilities'] = v;
      body['verb'] = v.length > 0 ? String(v[v.length - 1]) : '';
    } else body[k] = v;
  }
  body['signature'] = toBase64Url(signBytes(seed, canonicalJcsBytes(body)));
  return body;
}

/** Flip the lowest bit of the first signature byte. */
export function corruptSignature(token: JsonObject): JsonObject {
  const sig = Buffer.from(String(token['signature']), 'base64url');
  sig[0] = (sig[0] ?? 0) ^ 0x01;
  return { ...token, signature: toBase64Url(sig) };
}

const b64json = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An unsigned JWT claiming `alg: none`. */
export function algNoneJwt(target: ForgeryTarget): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: target.orgEntity, sub: `${target.orgEntity}/agent/forger`, capabilities: ['write'], iat: now, exp: now + 3600, nonce: randomUUID() };
  return `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json(claims)}.`;
}

/** A token-shaped string over 16 KiB: deep nesting padded with filler, the shape of a parser bomb. */
export function oversizedToken(bytes = OVERSIZED_TOKEN_BYTES): string {
  const depth = 2000;
  const head = `{"token_version":1,"issuer":"stigmem://forger.invalid","nest":${'['.repeat(depth)}`;
  const tail = `${']'.repeat(depth)},"pad":"`;
  return head + tail + 'A'.repeat(Math.max(0, bytes - head.length - tail.length - 2)) + '"}';
}

/** A well-formed fact for the write endpoints, so only the credential can be the reason for a refusal. */
export function factBody(entity: string, source: string): string {
  return encodeJson({ entity, relation: 'memory:role', value: { type: 'string', v: 'forged' }, source, confidence: pyFloat(1), scope: 'company' });
}

function requestBody(endpoint: string, method: string, target: ForgeryTarget, source: string): string | undefined {
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE') return undefined;
  if (endpoint.startsWith('/v1/recall')) return encodeJson({ query: 'alice', limit: 10 });
  return factBody(`${target.orgEntity}/user/alice`, source);
}

/** Build the request for one scenario. Shapes with a literal `token` in the corpus send it as given. */
export function forge(scenario: JsonObject, target: ForgeryTarget): Forgery {
  const shape = typeof scenario['forgery_shape'] === 'string' ? scenario['forgery_shape'] : '';
  const given = typeof scenario['token'] === 'string' ? scenario['token'] : null;
  const overrides = isObject(scenario['token_overrides']) ? scenario['token_overrides'] : {};
  const endpoint = String(scenario['endpoint']);
  const method = typeof scenario['method'] === 'string' ? scenario['method'].toUpperCase() : 'POST';
  const subject = `${target.orgEntity}/agent/forger`;
  const body = requestBody(endpoint, method, target, subject);
  const bearer = (token: string, note: string, sendTwice = false): Forgery => ({ authorization: `Bearer ${token}`, body, sendTwice, note });
  const unknownKeyToken = (extra: JsonObject = {}): JsonObject => signedToken(generateSeed(), { issuer: target.orgEntity, subject }, { ...extra, ...overrides });
  switch (shape) {
    case 'unsigned_json':
      return bearer(given ?? encodeJson({ entity_uri: target.orgEntity, capabilities: ['write'], exp: 9999999999 }), 'unsigned JSON claims');
    case 'unknown_key_signed':
    case 'expired_token':
    case 'nbf_in_future':
    case 'capability_escalation':
    case 'empty_capabilities':
      return bearer(canonicalJcs(unknownKeyToken()), `reference-format token signed by a random key claiming ${target.orgEntity}`);
    case 'bit_corrupted_signature':
      return bearer(canonicalJcs(corruptSignature(unknownKeyToken())), 'token with one signature bit flipped');
    case 'nonce_replay':
      return bearer(canonicalJcs(unknownKeyToken()), 'the same forged token sent twice', true);
    case 'alg_none':
      return bearer(algNoneJwt(target), 'JWT with alg=none and no signature');
    case 'entity_uri_mismatch': {
      const token = signedToken(generateSeed(), { issuer: 'stigmem://org-a.example', subject: 'stigmem://org-a.example/agent/writer' }, overrides);
      const mismatched = body === undefined ? undefined : factBody('stigmem://org-b.example/user/alice', 'stigmem://org-b.example/agent/writer');
      return { authorization: `Bearer ${canonicalJcs(token)}`, body: mismatched, sendTwice: false, note: 'token for org A presented for org B' };
    }
    case 'malformed_jwt_no_header':
      return bearer(given ?? `${b64json({ capabilities: ['write'] })}.invalid`, 'JWT without a header segment');
    case 'malformed_jwt_bad_base64':
      return bearer(given ?? 'header.!!!not-base64!!!.signature', 'JWT with a non-base64 payload');
    case 'empty_auth_header':
      return { authorization: given ?? '', body, sendTwice: false, note: 'empty Authorization header' };
    case 'wrong_auth_scheme':
      return { authorization: given ?? 'Basic dXNlcjpwYXNz', body, sendTwice: false, note: 'Basic scheme instead of Bearer' };
    case 'oversized_token':
      return bearer(given ?? oversizedToken(), `token of ${OVERSIZED_TOKEN_BYTES} bytes`);
    default:
      if (given !== null) return bearer(given, `token from the corpus (shape ${JSON.stringify(shape)})`);
      return { error: `unknown forgery_shape ${JSON.stringify(shape)} and no token to send` };
  }
}
