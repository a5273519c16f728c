// Who sent a page of facts, and what it may send: a registered peer (pulled, or pushing under its JWT) or, on the push
// route, the subject of a capability token (REFERENCE-NODE.md §6.3).
import type { NodeDeps } from '../server/deps.js';
import type { SignedToken } from '../tokens/format.js';
import { parseScopes, type PeerRow } from './peers/repo.js';
import { crossesFederation } from './scopes.js';

export interface Sender {
  /** Stored as received_from, origin_node_id and written_by of what it sends. */
  nodeId: string;
  /** The peer row audit events name; null for a token. */
  peerId: string | null;
  via: 'federation' | 'token';
  /** origin_allowed_scopes stored with its facts (the peer row's scopes), or null. */
  originScopes: string[] | null;
  /** Why a fact of this scope may not come from this sender, or null. */
  scopeRefusal(scope: string): string | null;
  /** The authority a source must sit under and does not, or null when the source is this sender's to send. */
  sourceRefusal(source: string): string | null;
}

/** Under an authority: the entity URI itself or a path below it (never a look-alike host). */
export function isSourceOwnedBy(source: string, authority: string): boolean {
  const base = authority.replace(/\/+$/, '');
  return source === base || source.startsWith(base + '/');
}

const crosses = (deps: NodeDeps, scope: string): boolean => crossesFederation(scope, deps.config.allowTeam);

/** What a peer may send, as plain data (a page is checked on the thread that fetched it). */
export interface PeerRules {
  /** The peer's scopes that may cross federation here. */
  scopes: string[];
  /** The authority its sources must sit under, or null when the peer registered without one. */
  authority: string | null;
}

export function peerRules(deps: NodeDeps, peer: PeerRow): PeerRules {
  return { scopes: parseScopes(peer.allowed_scopes).filter((s) => crosses(deps, s)), authority: peer.entity_uri };
}

export function rulesChecks(rules: PeerRules): Pick<Sender, 'scopeRefusal' | 'sourceRefusal'> {
  const allowed = new Set(rules.scopes);
  const authority = rules.authority;
  return {
    scopeRefusal: (scope) => (allowed.has(scope) ? null : 'scope_not_permitted'),
    sourceRefusal: (source) => (authority && !isSourceOwnedBy(source, authority) ? authority : null),
  };
}

export function peerSender(deps: NodeDeps, peer: PeerRow): Sender {
  return {
    nodeId: peer.node_id ?? 'peer',
    peerId: peer.id,
    via: 'federation',
    originScopes: parseScopes(peer.allowed_scopes),
    ...rulesChecks(peerRules(deps, peer)),
  };
}

const ALL_FACTS = 'stigmem://facts';
const SCOPE_OBJECT = 'stigmem://facts/scope:';

/** A write token's subject pushes its own facts, in the scopes the token's object names. */
export function tokenSender(deps: NodeDeps, token: SignedToken): Sender {
  return {
    nodeId: token.subject,
    peerId: null,
    via: 'token',
    originScopes: null,
    scopeRefusal: (scope) => {
      if (!crosses(deps, scope)) return 'scope_not_permitted';
      return token.object === ALL_FACTS || token.object === SCOPE_OBJECT + scope ? null : 'insufficient_capability';
    },
    sourceRefusal: (source) => (source === token.subject ? null : token.subject),
  };
}
