// One page of a peer's facts, fetched and read: its signature checked against the pin, its facts checked one by one.
// Pure apart from the HTTP request, so it runs the same on the node's thread or in the page worker.
import { fromBase64Url } from '../crypto/base64url.js';
import { verifySignature } from '../crypto/ed25519.js';
import { parseJsonBytesFast } from '../json/parse.js';
import { checkFacts, packItems, unpackItems, type CheckedItem, type PackedItems } from './check.js';
import { MAX_PAGE_BYTES, peerRequest, peerUrl, type PeerHttpError, type PeerResponse } from './http.js';
import { rulesChecks, type PeerRules } from './sender.js';

const PAGE_LIMIT = 500;

/** The URL of a peer's page after `cursor`: the node's thread and the worker's read-ahead must build the same one. */
export function pageUrl(nodeUrl: string, cursor: string | null): string {
  return peerUrl(nodeUrl, `/v1/federation/facts?limit=${PAGE_LIMIT}${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
}

/** What the pull loop needs to request a page: the URL, the headers (its token is minted on the node's thread). */
export interface PageRequest {
  url: string;
  headers: Record<string, string>;
  /** The pinned federation key (base64url) the page's signature must verify under. */
  pin: string;
  rules: PeerRules;
  /** To read the page after this one ahead: the peer's URL, and headers with a token minted for that request. */
  next?: { nodeUrl: string; headers: Record<string, string> };
  /** Under mTLS: the node id the peer's certificate must name as a URI SAN before anything it sends is read. */
  expectNodeId?: string;
}

/** The terms a page is read under (pin and rules): a page read under other terms than the peer's now is not stored. */
export function termsOf(t: Pick<PageRequest, 'pin' | 'rules'>): string {
  return JSON.stringify([t.pin, t.rules.scopes, t.rules.authority]);
}

/** A page as read. `signature` is absent for a reference peer, which does not sign pages. */
export interface FetchedPage<Items = CheckedItem[]> {
  status: number;
  /** For a refusal: the body's detail and code (when strings), and Retry-After in seconds. */
  detail: string | null;
  code: string | null;
  retryAfterS: number | null;
  signature: 'valid' | 'invalid' | 'absent';
  /** The page's facts, checked; null when a 200's body is not a page. */
  body: { items: Items; cursor: string | null; hasMore: boolean } | null;
  /** Set when the peer's TLS certificate did not name the expected node id: what it named instead (nothing was read). */
  certificateUris?: string[];
}

/** A number-typed value's CID depends on its literal (42 vs 42.0): such pages go through the strict parser. */
export function pageNeedsLiterals(doc: unknown): boolean {
  const facts = typeof doc === 'object' && doc !== null ? (doc as { facts?: unknown }).facts : undefined;
  if (!Array.isArray(facts)) return false;
  return facts.some((f) => {
    const value = typeof f === 'object' && f !== null ? (f as { value?: unknown }).value : undefined;
    return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'number';
  });
}

const parsePage = (bytes: Buffer): unknown => parseJsonBytesFast(bytes, pageNeedsLiterals);

function field(json: unknown, key: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[key] : undefined;
}

function textField(json: unknown, key: string): string | null {
  const v = field(json, key);
  return typeof v === 'string' ? v.slice(0, 1000) : null;
}

function signatureOf(res: PeerResponse, pin: string): FetchedPage['signature'] {
  const sig = res.headers.get('stigmem-signature');
  if (sig === null) return 'absent';
  const key = fromBase64Url(pin);
  const sigBytes = fromBase64Url(sig);
  return key && sigBytes && verifySignature(key, res.bytes, sigBytes) ? 'valid' : 'invalid';
}

/** A response read into a page: a refusal's fields, or the signature verdict and (when it verified or is absent) the checked facts. */
function readPage(res: PeerResponse, req: Pick<PageRequest, 'pin' | 'rules' | 'expectNodeId'>): FetchedPage {
  const after = Number(res.headers.get('retry-after') ?? '');
  const page: FetchedPage = { status: res.status, detail: textField(res.json, 'detail'), code: textField(res.json, 'code'), retryAfterS: Number.isFinite(after) && after > 0 ? after : null, signature: 'absent', body: null };
  // Fail closed, as the reference does: a server whose certificate names another node gives us nothing.
  if (req.expectNodeId !== undefined && res.peerUris !== null && !res.peerUris.includes(req.expectNodeId)) return { ...page, certificateUris: res.peerUris };
  if (res.status !== 200) return page;
  page.signature = signatureOf(res, req.pin);
  if (page.signature === 'invalid') return page;
  const facts = field(res.json, 'facts');
  // More facts than asked for is not a page: nothing of it is checked, stored or audited.
  if (!Array.isArray(facts) || facts.length > PAGE_LIMIT) return page;
  const cursor = field(res.json, 'cursor');
  page.body = { items: checkFacts(rulesChecks(req.rules), facts), cursor: typeof cursor === 'string' ? cursor : null, hasMore: field(res.json, 'has_more') === true };
  return page;
}

export async function fetchPageOnce(req: PageRequest, signal: AbortSignal): Promise<FetchedPage> {
  const res = await peerRequest(req.url, { headers: req.headers, signal, timeoutMs: 30_000, maxBytes: MAX_PAGE_BYTES, parse: parsePage, ...(req.expectNodeId !== undefined ? { expectPeerUri: req.expectNodeId } : {}) });
  return readPage(res, req);
}

/** The page as it crosses from the worker: checked facts packed as tuples. */
export function packPage(p: FetchedPage): FetchedPage<PackedItems> {
  return { ...p, body: p.body && { ...p.body, items: packItems(p.body.items) } };
}

export function unpackPage(p: FetchedPage<PackedItems>): FetchedPage {
  return { ...p, body: p.body && { ...p.body, items: unpackItems(p.body.items) } };
}

/** A failed request as it crosses from the worker. */
export interface PageError {
  kind: PeerHttpError['kind'];
  message: string;
}
