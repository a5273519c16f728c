// Every protocol component registers its routes here; each keeps its SQL, rules and schemas in its own folder.
import type { App, NodeDeps } from './deps.js';
import { registerWellKnown } from '../wellknown/routes.js';

export async function registerComponents(app: App, deps: NodeDeps): Promise<void> {
  registerWellKnown(app, deps);
}
