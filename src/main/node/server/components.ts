// Every protocol component registers its routes here; each keeps its SQL, rules and schemas in its own folder.
import type { App, NodeDeps } from './deps.js';
import { registerAuditRetention } from '../audit/retention.js';
import { registerAuthRoutes } from '../auth/routes.js';
import { registerConsole } from '../console/routes.js';
import { registerBackupSchedule } from '../data/schedule.js';
import { registerFacts } from '../facts/routes.js';
import { registerFederation } from '../federation/routes.js';
import { registerGardens } from '../gardens/routes.js';
import { registerManifests } from '../manifests/routes.js';
import { registerWellKnown } from '../wellknown/routes.js';
import { registerTokensProvenanceRecall } from '../provenance/components.js';
import { registerTrustAndQuarantine } from '../quarantine/register.js';

export async function registerComponents(app: App, deps: NodeDeps): Promise<void> {
  registerWellKnown(app, deps);
  registerAuthRoutes(app, deps);
  registerGardens(app, deps);
  registerFacts(app, deps);
  registerManifests(app, deps);
  registerFederation(app, deps);
  registerTokensProvenanceRecall(app, deps);
  registerTrustAndQuarantine(app, deps);
  registerBackupSchedule(app, deps);
  registerAuditRetention(app, deps);
  await registerConsole(app, deps);
}
