// A write under a capability token: the token's rules decide (not garden membership or API-key permissions), then
// the fact is routed like any fact from outside this organisation (trust snapshot, quarantine below the threshold).
import type { Principal } from '../auth/permissions.js';
import { HttpError } from '../errors.js';
import { gardenByRef } from '../facts/gardenRef.js';
import { normaliseOrRaw } from '../facts/normalise.js';
import type { AssertOptions } from '../facts/service.js';
import { routeIncomingFact } from '../federation/routing.js';
import { slugFromGardenUri } from '../gardens/acl.js';
import { manifestCovering } from '../manifests/store.js';
import type { NodeDeps } from '../server/deps.js';
import { authorityOf, tokenWriteRefusal } from './coverage.js';

export interface TokenWriteBody {
  entity: string;
  source: string;
  scope?: string;
  value: { interpret_as?: string };
  garden_id?: string | null;
}

export const insufficientCapability = (why: string): HttpError => new HttpError(403, `insufficient_capability: ${why}`, 'insufficient_capability');

/** True when this node signs for the token's issuer (its org entity, or an entity of a manifest under its key). */
function signsFor(deps: Pick<NodeDeps, 'db' | 'keys' | 'clock' | 'orgEntityUri' | 'config'>, issuer: string): boolean {
  if (issuer === deps.orgEntityUri || issuer === deps.config.entityUri) return true;
  return manifestCovering(deps.db, issuer, deps.clock.nowMs())?.public_key === deps.keys.org.publicKey;
}

function localAuthorities(deps: Pick<NodeDeps, 'config' | 'orgEntityUri'>): string[] {
  const out = [new URL(deps.config.nodeUrl).host.toLowerCase()];
  const org = authorityOf(deps.orgEntityUri);
  if (org) out.push(org);
  return out;
}

/** Check the write against the token; the options assertFact needs to store it as a token write. Throws 403. */
export function tokenWriteOptions(deps: NodeDeps, principal: Principal, body: TokenWriteBody): AssertOptions {
  const grant = principal.capability;
  if (!grant) throw insufficientCapability('no capability token');
  const scope = body.scope ?? 'local';
  let gardenSlug: string | null = null;
  if (body.garden_id) gardenSlug = gardenByRef(deps.db, body.garden_id)?.slug ?? slugFromGardenUri(body.garden_id) ?? body.garden_id;
  const refusal = tokenWriteRefusal(grant, {
    entity: normaliseOrRaw(body.entity),
    source: normaliseOrRaw(body.source),
    scope,
    interpretAs: body.value.interpret_as ?? 'content',
    gardenSlug,
  }, { ownIssuer: signsFor(deps, grant.issuer), localAuthorities: localAuthorities(deps) });
  if (refusal) throw insufficientCapability(refusal);
  const route = routeIncomingFact(deps, { source: normaliseOrRaw(body.source), scope, via: 'token' });
  return {
    // The token's rules stood in for the API-key and garden-role checks.
    trusted: true,
    receivedFrom: grant.subject,
    sourceTrust: route.sourceTrust,
    quarantineGardenId: route.quarantineGardenId,
    quarantineReason: route.quarantineReason,
  };
}
