// Which scopes may cross federation: never local, team only when the operator allows it (CONTRACT.md "Peers").
import { unprocessable } from '../errors.js';

export const FEDERATABLE_SCOPES = ['team', 'company', 'public'] as const;
export const DEFAULT_PEER_SCOPES = ['public'];

/** The operator's allowed_scopes for a peer, checked; 422 for local or (without ALLOW_TEAM) team. */
export function checkAllowedScopes(requested: readonly string[] | undefined, allowTeam: boolean): string[] {
  const scopes = requested === undefined ? DEFAULT_PEER_SCOPES : [...new Set(requested)];
  for (const s of scopes) {
    if (s === 'local') throw unprocessable('allowed_scopes cannot include local: local facts never leave this node', 'scope_not_federatable');
    if (s === 'team' && !allowTeam) throw unprocessable('allowed_scopes includes team, which needs STIGMEM_FEDERATION_ALLOW_TEAM=true', 'scope_not_federatable');
    if (!(FEDERATABLE_SCOPES as readonly string[]).includes(s)) throw unprocessable(`unknown scope ${JSON.stringify(s)}`, 'validation_failed');
  }
  return scopes.sort();
}

/** Whether facts of this scope may cross federation at all, in either direction. */
export function crossesFederation(scope: string, allowTeam: boolean): boolean {
  return scope !== 'local' && (scope !== 'team' || allowTeam);
}

/** The scopes served to a puller: our row's scopes ∩ the scopes its token asks for, minus local, team only if allowed. */
export function servedScopes(ourRow: readonly string[], tokenScopes: readonly string[], allowTeam: boolean): string[] {
  const asked = new Set(tokenScopes);
  return ourRow.filter((s) => asked.has(s) && crossesFederation(s, allowTeam)).sort();
}
