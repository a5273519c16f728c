// Where cases run: one given node (--url) or a fresh `stigmem serve` process per case (--spawn).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeFactory, NodeKind, NodeLease } from './types.js';

export interface UrlFactoryOptions {
  url: string;
  /** A node with auth required, for `requires_auth` vectors and adversarial scenarios. */
  authUrl?: string | null;
}

/** Every case against the same node(s): for operators checking any running node, ours or the reference. */
export function urlNodeFactory(opts: UrlFactoryOptions): NodeFactory {
  const lease = (baseUrl: string): NodeLease => ({ baseUrl, release: async () => {} });
  const warnings = [
    `every case runs against ${opts.url}, not a fresh node: results depend on that node's state ` +
      '(the vectors expect an empty node with STIGMEM_AUTH_REQUIRED=false and STIGMEM_NODE_URL=http://testnode)',
  ];
  if (!opts.authUrl) warnings.push('requires_auth vectors and adversarial scenarios are skipped: pass --auth-url with a node that requires auth');
  return {
    description: opts.authUrl ? `${opts.url} (auth-required cases: ${opts.authUrl})` : opts.url,
    warnings,
    async acquire(kind: NodeKind) {
      if (kind === 'open') return lease(opts.url);
      return opts.authUrl ? lease(opts.authUrl) : { skip: 'needs a node with auth required (pass --auth-url)' };
    },
    async close() {},
  };
}

export interface SpawnFactoryOptions {
  /** The program and arguments that run `stigmem serve`, e.g. [process.execPath, 'bin/stigmem.mjs', 'serve']. */
  command: string;
  args: string[];
  /** Extra STIGMEM_* settings for every node. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

const LISTENING = /listening on (https?:\/\/\S+)/;

/** A start that failed because something outside killed the process before it listened (load, OOM, a stray kill). */
class KilledBeforeListening extends Error {}

interface Child {
  proc: ChildProcess;
  dir: string;
  exited: Promise<void>;
}

function childEnv(dir: string, kind: NodeKind, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  // The operator's own STIGMEM_* settings must not leak into the nodes under test.
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('STIGMEM_')) env[k] = v;
  Object.assign(env, {
    STIGMEM_HOST: '127.0.0.1',
    STIGMEM_PORT: '0',
    STIGMEM_DB_PATH: join(dir, 'node.db'),
    STIGMEM_NODE_URL: 'http://testnode',
    STIGMEM_KEY_STORE: 'file',
    STIGMEM_LOG_LEVEL: 'warn',
    STIGMEM_AUTH_REQUIRED: kind === 'auth' ? 'true' : 'false',
    ...extra,
  });
  // With auth required the node has an admin key that the runner never sends.
  if (kind === 'auth') env['STIGMEM_ADMIN_KEY'] = randomBytes(24).toString('hex');
  return env;
}

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode === null && c.proc.signalCode === null) {
    c.proc.kill('SIGTERM');
    const timer = setTimeout(() => c.proc.kill('SIGKILL'), 5000);
    await c.exited;
    clearTimeout(timer);
  }
  rmSync(c.dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A fresh node (own temp folder, database, key and port) per lease; nothing is reused between cases. */
export function spawnNodeFactory(opts: SpawnFactoryOptions): NodeFactory {
  const live = new Set<Child>();
  let closed = false;
  const start = (kind: NodeKind): Promise<NodeLease> => {
    if (closed) return Promise.reject(new Error('the node factory is closed'));
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-conformance-'));
    const proc = spawn(opts.command, opts.args, { cwd: dir, env: childEnv(dir, kind, opts.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
    const child: Child = { proc, dir, exited: new Promise((res) => proc.once('close', () => res())) };
    live.add(child);
    let out = '';
    let err = '';
    return new Promise<NodeLease>((resolve, reject) => {
      let settled = false;
      const fail = (why: string, killed = false): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void stopChild(child).finally(() => live.delete(child));
        const message = `${why}${err.trim() ? `; stderr: ${err.trim().slice(-500)}` : ''}`;
        reject(killed ? new KilledBeforeListening(message) : new Error(message));
      };
      const timer = setTimeout(() => fail(`node did not report listening within ${opts.startTimeoutMs ?? 60_000} ms`), opts.startTimeoutMs ?? 60_000);
      proc.once('error', (e) => fail(`cannot start the node: ${e.message}`));
      // 'close' rather than 'exit': by then stderr has been read to the end, so the reason is complete.
      proc.once('close', (code, signal) => fail(`node exited (${signal ?? code}) before listening`, signal !== null));
      proc.stderr!.on('data', (d: Buffer) => {
        if (err.length < 20_000) err += d.toString();
      });
      proc.stdout!.on('data', (d: Buffer) => {
        if (out.length < 20_000) out += d.toString();
        const m = LISTENING.exec(out);
        if (!m || settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          baseUrl: m[1]!,
          release: async () => {
            await stopChild(child);
            live.delete(child);
          },
        });
      });
    });
  };
  return {
    description: `a fresh \`stigmem serve\` per case (${[opts.command, ...opts.args].join(' ')})`,
    warnings: [],
    async acquire(kind: NodeKind) {
      try {
        return await start(kind);
      } catch (e) {
        // The node never ran anything, so one more start is not a second chance for the node under test.
        if (e instanceof KilledBeforeListening) return start(kind);
        throw e;
      }
    },
    async close() {
      closed = true;
      await Promise.all([...live].map((c) => stopChild(c)));
      live.clear();
    },
  };
}
