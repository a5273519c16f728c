// Shapes shared by the conformance runner: loaded cases, their results and the nodes they run on.

/** A JSON object as read from a vector file. */
export type JsonObject = Record<string, unknown>;

/** One wire-format vector (`{id, method, path, body, expected_*…}`) with where it came from. */
export interface VectorCase {
  kind: 'vector';
  id: string;
  /** Path of the file relative to the vectors folder, e.g. `v1.0/01_fact_assert.json`. */
  file: string;
  /** The version folder the file sits in (`v1.0`, `v2.0`) or '' when there is none; `requires_setup` looks only there. */
  versionLabel: string;
  /** Major version: 1 keeps v1 list semantics, 2 and later use v2's. */
  major: number;
  vector: JsonObject;
  /** A file-level or vector-level `requires_plugin`. */
  requiresPlugin: string | null;
}

/** One adversarial scenario (`{id, forgery_shape, token?, endpoint, method, expected_status…}`). */
export interface ScenarioCase {
  kind: 'adversarial';
  id: string;
  file: string;
  scenario: JsonObject;
}

/** A file or entry the loader could not read: reported as a failure, never dropped. */
export interface InvalidCase {
  kind: 'invalid';
  id: string;
  file: string;
  reason: string;
}

export type ConformanceCase = VectorCase | ScenarioCase | InvalidCase;

export interface Suite {
  root: string;
  cases: ConformanceCase[];
  /** versionLabel → vector id → case, for `requires_setup` chains. */
  setupIndex: Map<string, Map<string, VectorCase>>;
}

export type Outcome = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  id: string;
  file: string;
  kind: ConformanceCase['kind'];
  outcome: Outcome;
  /** Why it failed or was skipped; '' on a pass. */
  reason: string;
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/** A node to run one case on. `release` stops it (spawn mode) or does nothing (url mode). */
export interface NodeLease {
  baseUrl: string;
  release(): Promise<void>;
}

/** `open`: auth disabled, as the vectors assume. `auth`: auth required, and the runner sends no credentials. */
export type NodeKind = 'open' | 'auth';

export interface NodeFactory {
  /** One line for the operator: what the cases run against. */
  readonly description: string;
  /** Warnings to print before running (url mode: results depend on that node's state). */
  readonly warnings: string[];
  /** A node of that kind, or the reason this factory cannot provide one (the case is then skipped). */
  acquire(kind: NodeKind): Promise<NodeLease | { skip: string }>;
  /** Stop everything still running. */
  close(): Promise<void>;
}
