// The conformance runner: vectors and adversarial scenarios from a folder, run against nodes from a factory.
export { loadSuite, versionOf } from './load.js';
export { urlNodeFactory, spawnNodeFactory, type SpawnFactoryOptions, type UrlFactoryOptions } from './factory.js';
export { runCase, runSuite, createLimiter, formatResult, formatSummary, summarise, DEFAULT_CONCURRENCY, type RunOptions } from './runner.js';
export type { CaseResult, ConformanceCase, NodeFactory, NodeKind, NodeLease, Outcome, Suite, Summary } from './types.js';
