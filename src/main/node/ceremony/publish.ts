// `manifest publish`: PUT a signed manifest to an online node and check that its log entry really includes it.
import type { Result } from '../errors.js';
import { canonicalJcsBytes } from '../json/canonical.js';
import { parseJson } from '../json/parse.js';
import { isJsonObject, parseManifestBody, type ManifestInput } from '../manifests/input.js';
import { manifestDocument, manifestSignatureError } from '../manifests/signing.js';
import type { LogEntry } from '../transparency/store.js';
import { leafHash, verifyInclusion } from '../transparency/verifier.js';
import { asResult, CeremonyError } from './errors.js';

const MAX_RESPONSE_CHARS = 1024 * 1024;
const PUBLISH_TIMEOUT_MS = 30_000;

export interface PublishOptions {
  /** The node's base URL (http or https). */
  url: string;
  /** The manifest file's text, sent as it is. */
  manifestText: string;
  adminKey: string;
  fetch?: typeof fetch;
}

export interface PublishReport {
  url: string;
  entityUri: string;
  keyId: string;
  logEntry: LogEntry;
  /** The node's whole 200 answer. */
  response: Record<string, unknown>;
}

/** A manifest file's document, checked as a node's PUT would check its shape and self-signature. */
export function parseManifestFile(text: string): ManifestInput {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (e) {
    throw new CeremonyError('manifest_invalid', `the manifest file is not JSON (${(e as Error).message})`);
  }
  if (!isJsonObject(value)) throw new CeremonyError('manifest_invalid', 'the manifest file does not hold a JSON object');
  const input = parseManifestBody(value);
  const error = manifestSignatureError(input);
  if (error) throw new CeremonyError('manifest_invalid', error);
  return input;
}

const isHex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v);

function logEntryOf(body: Record<string, unknown>): LogEntry {
  const e = body['log_entry'] as Partial<LogEntry> | undefined;
  const ok = isJsonObject(e) && typeof e.log_id === 'string' && Number.isSafeInteger(e.log_index) && Number.isSafeInteger(e.tree_size)
    && isHex(e.leaf_hash) && isHex(e.root_hash) && Array.isArray(e.inclusion_proof) && e.inclusion_proof.every(isHex);
  if (!ok) throw new CeremonyError('proof_invalid', 'the node answered without a well-formed log_entry');
  return e as LogEntry;
}

/** The entry's leaf must be our document's hash, and its proof must lead to the root it names. */
export function checkInclusion(manifest: ManifestInput, entry: LogEntry): void {
  const expectedLeaf = leafHash(canonicalJcsBytes(manifestDocument(manifest, manifest.signature))).toString('hex');
  if (entry.leaf_hash.toLowerCase() !== expectedLeaf) {
    throw new CeremonyError('proof_invalid', `the log entry's leaf ${entry.leaf_hash} is not the hash of this manifest (${expectedLeaf})`);
  }
  if (!verifyInclusion(entry.leaf_hash, entry.log_index, entry.tree_size, entry.inclusion_proof, entry.root_hash)) {
    throw new CeremonyError('proof_invalid', `the inclusion proof for log index ${entry.log_index} does not lead to root ${entry.root_hash} (tree size ${entry.tree_size})`);
  }
}

async function put(opts: PublishOptions, target: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(target, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.adminKey}` },
      body: opts.manifestText,
      signal: AbortSignal.timeout(PUBLISH_TIMEOUT_MS),
    });
  } catch (e) {
    // fetch says only "fetch failed"; why (ECONNREFUSED, ENOTFOUND, a certificate) is its cause.
    const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
    const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (e as Error).message;
    throw new CeremonyError('publish_failed', `cannot reach ${target} (${why}): is the node running there?`);
  }
  const text = (await res.text()).slice(0, MAX_RESPONSE_CHARS);
  let body: unknown = null;
  try {
    body = parseJson(text);
  } catch {
    body = null;
  }
  if (res.status !== 200) {
    const detail = isJsonObject(body) && body['detail'] !== undefined ? JSON.stringify(body['detail']) : text.slice(0, 300);
    const hint = res.status === 401 ? '; check the admin key (--admin-key-file FILE or STIGMEM_ADMIN_KEY)' : '';
    throw new CeremonyError('manifest_rejected', `${target} answered ${res.status}: ${detail}${hint}`);
  }
  if (!isJsonObject(body)) throw new CeremonyError('publish_failed', `${target} answered 200 without a JSON object`);
  return body;
}

export function publishManifestToNode(opts: PublishOptions): Promise<Result<PublishReport>> {
  return asResult(async () => {
    const manifest = parseManifestFile(opts.manifestText);
    if (!URL.canParse(opts.url) || !/^https?:$/.test(new URL(opts.url).protocol)) throw new CeremonyError('invalid_argument', `${opts.url} is not an http(s) URL`);
    const target = `${opts.url.replace(/\/+$/, '')}/v1/federation/manifest`;
    const response = await put(opts, target);
    const logEntry = logEntryOf(response);
    checkInclusion(manifest, logEntry);
    return { url: opts.url, entityUri: manifest.entity_uri, keyId: manifest.key_id, logEntry, response };
  });
}
