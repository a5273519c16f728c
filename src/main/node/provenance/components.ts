// Capability tokens, fact provenance and recall: the routes of the trust chain from a grant to what recall returns.
import { registerRecallRoutes } from '../recall/routes.js';
import type { App, NodeDeps } from '../server/deps.js';
import { registerTokenRoutes } from '../tokens/routes.js';
import { registerProvenanceRoutes } from './routes.js';

export function registerTokensProvenanceRecall(app: App, deps: NodeDeps): void {
  registerTokenRoutes(app, deps);
  registerProvenanceRoutes(app, deps);
  registerRecallRoutes(app, deps);
}
