// The headless console: the renderer and the admin handler map over HTTP (filled in by the console component).
import type { App, NodeDeps } from '../server/deps.js';

export async function registerConsole(_app: App, _deps: NodeDeps): Promise<void> {}
