// The peer screens' part of the admin contract: what a peer looks like to a screen, and validators for the
// arguments of adding, re-pinning and removing one.
import { fail, ok, type Result } from './result.js';
import { objectWith } from './validators.js';

export const PEER_SCOPES = ['team', 'company', 'public'] as const;
export type PeerScope = (typeof PEER_SCOPES)[number];

/** A peer as the screens show it: where it is, which key is pinned, and how replication from it is going. */
export interface PeerSummary {
  id: string;
  url: string;
  nodeId: string | null;
  entityUri: string | null;
  /** active, key_mismatch, unreachable, pending_approval, … */
  status: string;
  registration: string;
  allowedScopes: string[];
  /** The pinned federation public key (base64url) and its fingerprint in groups of four, for reading aloud. */
  publicKey: string;
  fingerprint: string | null;
  lastPull: string | null;
  pullLagMs: number | null;
  /** Why the last pull or verification failed (`signature_mismatch` until the operator re-pins). */
  error: string | null;
  factsReceived: number;
  factsRejected: number;
}

export interface AddPeerInput {
  url: string;
  publicKey: string;
  /** Defaults to the node's default peer scopes. */
  allowedScopes?: PeerScope[];
}

export interface RepinPeerInput {
  id: string;
  publicKey: string;
}

export interface PeerRef {
  id: string;
}

export interface RemovedPeer {
  id: string;
  /** Facts received from the peer: they stay in this node. */
  factsRetained: number;
}

const MAX_URL = 2048;
// base64url as the runbook prints it; standard base64 with its padding is accepted too (the node normalises both).
const PUBLIC_KEY = /^[A-Za-z0-9_+/-]{43}=?$/;


function checkUrl(x: unknown): Result<string> {
  if (typeof x !== 'string' || x.trim() === '') return fail('validation_failed', "the peer's URL is required");
  const url = x.trim();
  if (url.length > MAX_URL) return fail('validation_failed', `the URL is longer than ${MAX_URL} characters`);
  if (!/^https?:\/\/[^\s/?#]+[^\s]*$/.test(url)) return fail('validation_failed', 'the URL must start with http:// or https:// and contain no spaces');
  return ok(url);
}

function checkKey(x: unknown): Result<string> {
  if (typeof x !== 'string' || x.trim() === '') return fail('validation_failed', "the peer's federation public key is required");
  const key = x.trim();
  if (!PUBLIC_KEY.test(key)) return fail('validation_failed', 'the public key must be a 32-byte Ed25519 key in base64url (43 characters)');
  return ok(key);
}

export function checkId(x: unknown): Result<string> {
  if (typeof x !== 'string' || x === '' || x.length > 100) return fail('validation_failed', 'a peer id is required');
  return ok(x);
}

export function validateAddPeer(arg: unknown): Result<AddPeerInput> {
  const f = objectWith(arg, ['url', 'publicKey', 'allowedScopes'], '{"url": "https://peer.example", "publicKey": "…"}');
  if (!f.ok) return f;
  const url = checkUrl(f.value['url']);
  if (!url.ok) return url;
  const publicKey = checkKey(f.value['publicKey']);
  if (!publicKey.ok) return publicKey;
  const scopes = f.value['allowedScopes'];
  if (scopes === undefined) return ok({ url: url.value, publicKey: publicKey.value });
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > PEER_SCOPES.length) return fail('validation_failed', 'choose at least one scope to share');
  for (const s of scopes) if (!(PEER_SCOPES as readonly unknown[]).includes(s)) return fail('validation_failed', `scopes are ${PEER_SCOPES.join(', ')}`);
  return ok({ url: url.value, publicKey: publicKey.value, allowedScopes: [...new Set(scopes as PeerScope[])] });
}

export function validateRepinPeer(arg: unknown): Result<RepinPeerInput> {
  const f = objectWith(arg, ['id', 'publicKey'], '{"id": "…", "publicKey": "…"}');
  if (!f.ok) return f;
  const id = checkId(f.value['id']);
  if (!id.ok) return id;
  const publicKey = checkKey(f.value['publicKey']);
  return publicKey.ok ? ok({ id: id.value, publicKey: publicKey.value }) : publicKey;
}

export function validatePeerRef(arg: unknown): Result<PeerRef> {
  const f = objectWith(arg, ['id'], '{"id": "…"}');
  if (!f.ok) return f;
  const id = checkId(f.value['id']);
  return id.ok ? ok({ id: id.value }) : id;
}
