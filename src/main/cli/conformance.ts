// `stigmem conformance`: run the protocol's conformance vectors against a given node or against fresh local nodes.
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_CONCURRENCY,
  formatResult,
  formatSummary,
  loadSuite,
  runSuite,
  spawnNodeFactory,
  urlNodeFactory,
  type NodeFactory,
} from '../node/conformance/index.js';
import { parseHttpUrl } from './options.js';

interface ConformanceOptions {
  vectors: string;
  url?: string;
  authUrl?: string;
  spawn?: boolean;
  json?: boolean;
  concurrency?: number;
}

function parseConcurrency(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new InvalidArgumentError('must be a whole number from 1 to 64');
  return Number(v);
}

function usageError(message: string): void {
  process.stderr.write(`stigmem conformance: ${message}\n`);
  process.exitCode = 2;
}

/** The command that starts `stigmem serve`: this same CLI, under the same Node. */
function serveCommandLine(): { command: string; args: string[] } {
  const script = process.argv[1] ?? fileURLToPath(import.meta.url);
  return { command: process.execPath, args: [...process.execArgv, script, 'serve'] };
}

async function conformanceAction(opts: ConformanceOptions): Promise<void> {
  const dir = resolve(opts.vectors);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return usageError(`--vectors ${opts.vectors}: no such folder`);
  if (Boolean(opts.url) === Boolean(opts.spawn)) return usageError('give exactly one of --url URL or --spawn');
  if (opts.authUrl && !opts.url) return usageError('--auth-url goes with --url (with --spawn the runner starts its own auth-required nodes)');
  const suite = loadSuite(dir);
  if (suite.cases.length === 0) return usageError(`no *.json vectors under ${dir}`);
  const factory: NodeFactory = opts.url ? urlNodeFactory({ url: opts.url, authUrl: opts.authUrl ?? null }) : spawnNodeFactory(serveCommandLine());
  for (const w of factory.warnings) process.stderr.write(`stigmem conformance: warning: ${w}\n`);
  // Cases cut short by the stop are not failures of the node: nothing more is reported once it is asked.
  let isInterrupted = false;
  const interrupt = (): void => {
    isInterrupted = true;
    process.stderr.write('stigmem conformance: interrupted before every case ran; stopping the nodes it started [interrupted]\n');
    void factory.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const { results, summary } = await runSuite(suite, factory, {
      // One given node is shared state: by default its vectors run one at a time, in file order.
      concurrency: opts.concurrency ?? (opts.url ? 1 : DEFAULT_CONCURRENCY),
      onResult: opts.json ? undefined : (r) => {
        if (!isInterrupted) process.stdout.write(`${formatResult(r)}\n`);
      },
    });
    if (isInterrupted) return;
    if (opts.json) process.stdout.write(`${JSON.stringify({ target: factory.description, vectors: dir, summary, results }, null, 2)}\n`);
    else process.stdout.write(`${formatSummary(summary)}\n`);
    process.exitCode = summary.failed > 0 ? 1 : 0;
  } finally {
    await factory.close();
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
}

/** Options and action of `stigmem conformance`, attached to `program.command('conformance')`. */
export function configureConformanceCommand(cmd: Command): Command {
  return cmd
    .description('run conformance vectors (and adversarial token scenarios) against a node, or against a fresh local node per vector')
    .requiredOption('--vectors <dir>', 'folder of vector files, read recursively (v1.0/, v2.0/, adversarial/)')
    .option('--url <url>', 'run every vector against this running node (its state affects the results)', parseHttpUrl)
    .option('--auth-url <url>', 'with --url: a node with auth required, for requires_auth vectors and adversarial scenarios', parseHttpUrl)
    .option('--spawn', 'start a fresh `stigmem serve` (temp database, loopback port) for every vector')
    .option('--json', 'print the results as one JSON document')
    .option('--concurrency <n>', `vectors in flight at once (default ${DEFAULT_CONCURRENCY} with --spawn, 1 with --url)`, parseConcurrency)
    .action(conformanceAction);
}
