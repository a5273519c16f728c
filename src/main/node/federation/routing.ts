// Where an incoming fact goes: the trust snapshot to store with it and, below the threshold, the quarantine garden.
import type { NodeDeps } from '../server/deps.js';

export interface IncomingRoute {
  sourceTrust: number | null;
  quarantineGardenId: string | null;
  quarantineReason: string | null;
}

export function routeIncomingFact(_deps: NodeDeps, _fact: { source: string; scope: string; via: 'federation' | 'token' }): IncomingRoute {
  return { sourceTrust: null, quarantineGardenId: null, quarantineReason: null };
}
