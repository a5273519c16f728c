// Garden routes (filled in by the gardens component).
import type { App, NodeDeps } from '../server/deps.js';

export function registerGardens(_app: App, _deps: NodeDeps): void {}
