// The discovery document: the reference's fields plus the runbook's, and a declaration signed by the federation key.
import { canonicalAsciiBytes } from '../json/canonical.js';
import type { NodeDeps } from '../server/deps.js';

export const NAMESPACES = ['stigmem:', 'rel:', 'memory:', 'intent:', 'roadmap:', 'preference:', 'garden:'] as const;
export const SPEC_URL = 'https://github.com/eidetic-labs/stigmem/blob/main/spec/stigmem-spec-v1.0.md';
export const DEFAULT_ALLOWED_SCOPES = ['public'] as const;

export interface PeerDeclaration {
  node_id: string;
  node_url: string;
  federation_pubkey: string;
  allowed_scopes: string[];
  signed_at: string;
}

export function signDeclaration(deps: NodeDeps, signedAt: string, allowedScopes: string[]): { declaration: PeerDeclaration; declaration_sig: string } {
  const declaration: PeerDeclaration = {
    node_id: deps.nodeId,
    node_url: deps.config.nodeUrl,
    federation_pubkey: deps.keys.federation.publicKey,
    allowed_scopes: allowedScopes,
    signed_at: signedAt,
  };
  return { declaration, declaration_sig: deps.keys.federation.signB64(canonicalAsciiBytes(declaration)) };
}

export function wellKnownDocument(deps: NodeDeps, signed: { declaration: PeerDeclaration; declaration_sig: string }): Record<string, unknown> {
  const { config } = deps;
  const doc: Record<string, unknown> = {
    version: '1.0',
    node_id: deps.nodeId,
    node_url: config.nodeUrl,
    auth: config.authRequired ? 'required' : 'none',
    federation: config.federationEnabled ? 'enabled' : 'disabled',
    source_attestation: config.sourceAttestationMode,
    namespaces: [...NAMESPACES],
    spec: SPEC_URL,
    cors: { dev_localhost: false, configured: false },
  };
  if (config.federationEnabled) {
    doc['federation_pubkey'] = deps.keys.federation.publicKey;
    doc['federation_version'] = '0.5';
    doc['federation_endpoints'] = {
      peers: '/v1/federation/peers',
      facts: '/v1/federation/facts',
      push: config.pushEnabled ? '/v1/federation/facts/push' : null,
    };
  }
  doc['public_key'] = deps.keys.federation.publicKey;
  // Each key id beside its key: with a separate org key, key_id names public_key and org_key_id the org key.
  doc['key_id'] = deps.keys.federation.keyId;
  if (deps.keys.isSplit) {
    doc['org_public_key'] = deps.keys.org.publicKey;
    doc['org_key_id'] = deps.keys.org.keyId;
  }
  doc['pull_interval_s'] = config.pullIntervalS;
  doc['spec_version'] = '1.1';
  if (config.entityUri) doc['entity_uri'] = config.entityUri;
  doc['declaration'] = signed.declaration;
  doc['declaration_sig'] = signed.declaration_sig;
  doc['product'] = { name: 'stigmem-desktop', version: deps.version.product };
  return doc;
}
