// Runs cases on nodes from a factory, several at once, and reports one line per case plus a summary.
import { runScenario } from './adversarial.js';
import type { CaseResult, ConformanceCase, NodeFactory, NodeKind, Suite, Summary } from './types.js';
import { runVector, type Verdict } from './vectors.js';

export const DEFAULT_CONCURRENCY = 4;

/** A limiter: at most `n` of the given tasks run at the same time. */
export function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((res) => waiting.push(res));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

function nodeKindOf(c: ConformanceCase): NodeKind {
  if (c.kind === 'adversarial') return 'auth';
  return c.kind === 'vector' && c.vector['requires_auth'] === true ? 'auth' : 'open';
}

/** One case on its own node. Never throws: every problem becomes a failing result. */
export async function runCase(suite: Suite, c: ConformanceCase, factory: NodeFactory): Promise<CaseResult> {
  const result = (outcome: CaseResult['outcome'], reason: string): CaseResult => ({ id: c.id, file: c.file, kind: c.kind, outcome, reason });
  if (c.kind === 'invalid') return result('fail', c.reason);
  if (c.kind === 'vector' && c.requiresPlugin) return result('skip', `requires plugin ${JSON.stringify(c.requiresPlugin)}`);
  let lease;
  try {
    lease = await factory.acquire(nodeKindOf(c));
  } catch (e) {
    return result('fail', `could not start a node: ${(e as Error).message}`);
  }
  if ('skip' in lease) return result('skip', lease.skip);
  let verdict: Verdict;
  try {
    verdict = c.kind === 'vector' ? await runVector(lease.baseUrl, suite, c) : await runScenario(lease.baseUrl, c.scenario);
  } catch (e) {
    verdict = { ok: false, reason: `runner error: ${(e as Error).message}` };
  } finally {
    await lease.release().catch(() => undefined);
  }
  return verdict.ok ? result('pass', '') : result('fail', verdict.reason);
}

export interface RunOptions {
  concurrency?: number;
  /** Called once per case, in suite order, as soon as it and every case before it are done. */
  onResult?: (r: CaseResult) => void;
}

export async function runSuite(suite: Suite, factory: NodeFactory, opts: RunOptions = {}): Promise<{ results: CaseResult[]; summary: Summary }> {
  const limit = createLimiter(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY));
  const results: (CaseResult | undefined)[] = new Array<CaseResult | undefined>(suite.cases.length);
  let emitted = 0;
  const flush = (): void => {
    for (let r = results[emitted]; r !== undefined; r = results[emitted]) {
      emitted++;
      opts.onResult?.(r);
    }
  };
  await Promise.all(
    suite.cases.map((c, i) =>
      limit(async () => {
        results[i] = await runCase(suite, c, factory);
        flush();
      }),
    ),
  );
  const done = results as CaseResult[];
  return { results: done, summary: summarise(done) };
}

export function summarise(results: CaseResult[]): Summary {
  const count = (o: CaseResult['outcome']): number => results.filter((r) => r.outcome === o).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

/** `PASS  fact-assert-string  (v1.0/01_fact_assert.json)`, with the reason after a dash on FAIL and SKIP. */
export function formatResult(r: CaseResult): string {
  const tag = r.outcome.toUpperCase();
  return `${tag.padEnd(4)}  ${r.id}  (${r.file})${r.reason ? ` - ${r.reason}` : ''}`;
}

/** `conformance: N passed, M failed` and `, K skipped` when some were. */
export function formatSummary(s: Summary): string {
  return `conformance: ${s.passed} passed, ${s.failed} failed${s.skipped > 0 ? `, ${s.skipped} skipped` : ''}`;
}
