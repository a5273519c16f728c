// Reading a peer's discovery document and checking its key and signed declaration against a pin.
import { normaliseKey } from '../crypto/base64url.js';
import { verifyB64 } from '../crypto/ed25519.js';
import { canonicalAsciiBytes } from '../json/canonical.js';
import { peerRequest, peerUrl } from './http.js';

export interface PeerDiscovery {
  nodeId: string | null;
  nodeUrl: string | null;
  /** The live federation key (federation_pubkey, else the runbook's public_key), normalised. */
  federationKey: string | null;
  /** The org key: org_public_key when the peer splits keys, else its identity key. */
  orgKey: string | null;
  entityUri: string | null;
  federationEnabled: boolean;
  declaration: Record<string, unknown> | null;
  declarationSig: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export async function fetchDiscovery(baseUrl: string, signal?: AbortSignal): Promise<PeerDiscovery> {
  const res = await peerRequest(peerUrl(baseUrl, '/.well-known/stigmem'), { signal });
  if (res.status !== 200 || typeof res.json !== 'object' || res.json === null || Array.isArray(res.json)) {
    throw new DiscoveryError(`the peer's /.well-known/stigmem answered ${res.status} without a discovery document`);
  }
  const d = res.json as Record<string, unknown>;
  const fed = str(d['federation_pubkey']) ?? str(d['public_key']);
  const decl = d['declaration'];
  return {
    nodeId: str(d['node_id']),
    nodeUrl: str(d['node_url']),
    federationKey: fed ? normaliseKey(fed) : null,
    orgKey: normaliseKey(str(d['org_public_key']) ?? fed ?? '') ?? null,
    entityUri: str(d['entity_uri']),
    federationEnabled: d['federation'] === 'enabled',
    declaration: typeof decl === 'object' && decl !== null && !Array.isArray(decl) ? (decl as Record<string, unknown>) : null,
    declarationSig: str(d['declaration_sig']),
  };
}

export class DiscoveryError extends Error {}

/** A declaration is good when it is signed (ASCII flavour) by the key it declares. */
export function declarationSignedBy(declaration: Record<string, unknown>, signature: string, key: string): boolean {
  const declared = normaliseKey(String(declaration['federation_pubkey'] ?? ''));
  return declared === key && verifyB64(key, canonicalAsciiBytes(declaration), signature);
}

/** Does the peer's live identity match the pin? Checks the served key and, when present, its signed declaration and the node id it names. */
export function matchesPin(d: PeerDiscovery, pin: string): boolean {
  if (d.federationKey !== pin) return false;
  // A signed declaration also binds the node id the document names to the key: no claiming another node's id.
  if (d.declaration && d.declarationSig) return declarationSignedBy(d.declaration, d.declarationSig, pin) && d.declaration['node_id'] === d.nodeId;
  return d.declaration === null;
}
