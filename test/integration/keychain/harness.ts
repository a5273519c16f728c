// Real keychain tests: find out whether a private, unlocked keyring is reachable, and run `stigmem serve` with full control of its environment.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { KeytarApi } from '../../../src/main/node/secrets/keychain.js';
import { STIGMEM_BIN } from '../../helpers/process.js';

export type KeytarWithFind = KeytarApi & { findCredentials(service: string): Promise<{ account: string; password: string }[]> };

/** A service name no developer keychain already uses: unique per test run. */
export const uniqueService = (what: string): string => `stigmem-test-${what}-${process.pid}-${Date.now().toString(36)}`;

/**
 * The real keytar when a keyring answers a write/read/delete on a throwaway service, else the reason to skip.
 * HOME must be a temporary folder (as `npm test` and TOOLCHAIN.md's command set it): a developer's own login
 * keyring is never written to, even under a throwaway name.
 */
export async function realKeyring(): Promise<{ keytar: KeytarWithFind; skip: null } | { keytar: null; skip: string }> {
  if (!process.env['DBUS_SESSION_BUS_ADDRESS']) return { keytar: null, skip: 'DBUS_SESSION_BUS_ADDRESS is not set (run under dbus-run-session with gnome-keyring)' };
  const home = resolve(process.env['HOME'] ?? '/');
  if (!home.startsWith(resolve(tmpdir()) + sep)) return { keytar: null, skip: `HOME (${home}) is not a temporary folder, so this may be a real user keyring` };
  try {
    const mod = (await import('keytar')) as unknown as { default?: KeytarWithFind } & KeytarWithFind;
    const keytar = mod.default ?? mod;
    const service = uniqueService('probe');
    await keytar.setPassword(service, 'probe', 'probe-value');
    const back = await keytar.getPassword(service, 'probe');
    await keytar.deletePassword(service, 'probe');
    if (back !== 'probe-value') return { keytar: null, skip: 'the keyring did not return what was written to it' };
    return { keytar, skip: null };
  } catch (e) {
    return { keytar: null, skip: `the keyring did not answer a probe: ${(e as Error).message}` };
  }
}

export const hasCommand = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

export interface ServeRun {
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the node id and URL once listening, or rejects with the output when the process exits first. */
  listening: Promise<{ nodeId: string; url: string }>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServeOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Variables removed from the inherited environment (DBUS_SESSION_BUS_ADDRESS, DISPLAY …). */
  unset?: string[];
  /** Run inside its own `dbus-run-session`, with a fresh HOME (or `home`) and no unlocked keyring (a locked keychain). */
  isOwnDbusSession?: boolean;
  home?: string;
  /** In its own session: start gnome-keyring unlocked with this password first (it creates the login keyring). */
  unlockKeyringWith?: string;
}

/** `stigmem serve` in `cwd` on a free port; the inherited STIGMEM_* variables are dropped. */
export function serve(opts: ServeOptions): ServeRun {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('STIGMEM_') && !(opts.unset ?? []).includes(k)) env[k] = v;
  Object.assign(env, { STIGMEM_PORT: '0', STIGMEM_HOST: '127.0.0.1', STIGMEM_LOG_LEVEL: 'warn', ...opts.env });
  let command = process.execPath;
  let args = [STIGMEM_BIN, 'serve'];
  if (opts.isOwnDbusSession) {
    // A fresh HOME and runtime folder: the nested gnome-keyring finds no login keyring and cannot reach a real one.
    env['HOME'] = opts.home ?? mkdtempSync(join(tmpdir(), 'stigmem-home-'));
    env['XDG_RUNTIME_DIR'] = mkdtempSync(join(tmpdir(), 'stigmem-run-'));
    for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'GNOME_KEYRING_CONTROL']) delete env[k];
    command = 'dbus-run-session';
    if (opts.unlockKeyringWith === undefined) args = ['--', process.execPath, ...args];
    else {
      env['TEST_KEYRING_PASSWORD'] = opts.unlockKeyringWith;
      const unlock = 'printf %s "$TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null';
      args = ['--', 'sh', '-c', `${unlock}; exec "$0" "$@"`, process.execPath, ...args];
    }
  }
  // Its own process group when wrapped, so stop() reaches the node, the bus and the keyring daemon together.
  const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.isOwnDbusSession === true });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const listening = new Promise<{ nodeId: string; url: string }>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no "listening" line in time\nstdout:${out}\nstderr:${err}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /node (\S+) listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ nodeId: m[1]!, url: m[2]! });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`stigmem serve exited with ${code}\nstdout:${out}\nstderr:${err}`));
    });
  });
  listening.catch(() => undefined);
  return {
    stdout: () => out,
    stderr: () => err,
    listening,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        if (opts.isOwnDbusSession && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      }
      return exited;
    },
  };
}

/** The private key as it could leak: raw bytes, hex, base64, base64url and the PEM body line. */
export function keyForms(seed: Uint8Array, pem: string): Buffer[] {
  const raw = Buffer.from(seed);
  const pemBody = pem.split('\n').find((l) => l.length > 0 && !l.startsWith('-----'))!;
  return [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('hex').toUpperCase()), Buffer.from(raw.toString('base64')), Buffer.from(raw.toString('base64url')), Buffer.from(pemBody)];
}
