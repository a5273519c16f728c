// Facts and conflicts routes (filled in by the facts component).
import type { App, NodeDeps } from '../server/deps.js';

export function registerFacts(_app: App, _deps: NodeDeps): void {}
