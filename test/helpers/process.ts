// Real `stigmem serve` processes on 127.0.0.1, each with its own folder, database and port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const STIGMEM_BIN = join(REPO_ROOT, 'bin/stigmem.mjs');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface NodeProcess {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  cleanup(): Promise<void>;
}

/** Start `stigmem serve` and wait for its "listening" line; `env` adds STIGMEM_* variables. */
export async function spawnNode(env: Record<string, string> = {}, opts: { dir?: string; timeoutMs?: number } = {}): Promise<NodeProcess> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'stigmem-proc-'));
  const port = env['STIGMEM_PORT'] ? Number(env['STIGMEM_PORT']) : await freePort();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('STIGMEM_')) childEnv[k] = v;
  // Test nodes keep their key in a file unless a test asks for a keychain: never touch a developer's own keychain.
  Object.assign(childEnv, { STIGMEM_PORT: String(port), STIGMEM_HOST: '127.0.0.1', STIGMEM_LOG_LEVEL: 'warn', STIGMEM_KEY_STORE: 'file', ...env });
  const child = spawn(process.execPath, [STIGMEM_BIN, 'serve'], { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`node did not start in time\nstdout:${out}\nstderr:${err}`)), opts.timeoutMs ?? 15_000);
    const check = (): void => {
      if (out.includes('listening on')) {
        clearTimeout(timer);
        res();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`node exited with ${code} before listening\nstderr:${err}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    return exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    child,
    stdout: () => out,
    stderr: () => err,
    stop,
    async cleanup() {
      await stop('SIGKILL');
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run `stigmem <args>` to completion. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('STIGMEM_')) env[k] = v;
  Object.assign(env, opts.env ?? {});
  const child = spawn(process.execPath, [STIGMEM_BIN, ...args], { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
