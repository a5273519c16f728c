// Trust, quarantine and the admin settings they use, registered together.
import { registerAdminRoutes } from '../admin/routes.js';
import type { App, NodeDeps } from '../server/deps.js';
import { registerTrustRoutes } from '../trust/routes.js';
import { registerQuarantineRoutes } from './routes.js';
import { quarantineSink } from './sink.js';

export function registerTrustAndQuarantine(app: App, deps: NodeDeps): void {
  registerTrustRoutes(app, deps);
  registerQuarantineRoutes(app, deps);
  registerAdminRoutes(app, deps);
  // Say at start when STIGMEM_QUARANTINE_GARDEN_ID names no quarantine garden (facts then go to the fallback sink).
  const sink = quarantineSink(deps);
  if (sink.warning) app.log.warn(sink.warning);
}
