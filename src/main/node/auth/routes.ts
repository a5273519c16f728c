// API-key routes (filled in by the auth component).
import type { App, NodeDeps } from '../server/deps.js';

export function registerAuthRoutes(_app: App, _deps: NodeDeps): void {}
