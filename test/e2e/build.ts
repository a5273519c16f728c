// Builds what the browser tests serve, only when its sources changed: the renderer (swapped into out/renderer in
// one rename, so a node serving the old build never sees a half-written folder) and the `stigmem` bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/process.js';

const ELECTRON_VITE = join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');

function newestMtimeMs(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    const full = join(REPO_ROOT, p);
    if (!existsSync(full)) continue;
    const st = statSync(full);
    if (st.isFile()) newest = Math.max(newest, st.mtimeMs);
    else {
      for (const e of readdirSync(full, { withFileTypes: true, recursive: true })) {
        if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
      }
    }
  }
  return newest;
}

function isOlderThan(output: string, sources: string[]): boolean {
  const out = join(REPO_ROOT, output);
  return !existsSync(out) || statSync(out).mtimeMs < newestMtimeMs(sources);
}

function run(args: string[]): void {
  const res = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
  if (res.status !== 0) throw new Error(`${args.join(' ')} failed:\n${res.stdout}\n${res.stderr}`);
}

export function ensureRendererBuilt(): void {
  const sources = ['src/renderer', 'src/shared', 'resources/icon.svg', 'electron.vite.config.ts', 'package.json'];
  if (!isOlderThan('out/renderer/index.html', sources)) return;
  const staging = join(REPO_ROOT, 'out', `.e2e-build-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    // The full electron-vite build (main, preload, renderer), so this also proves the desktop build passes.
    run([ELECTRON_VITE, 'build', '--outDir', staging, '--logLevel', 'warn']);
    const target = join(REPO_ROOT, 'out', 'renderer');
    const retired = `${staging}-old`;
    if (existsSync(target)) renameSync(target, retired);
    renameSync(join(staging, 'renderer'), target);
    rmSync(retired, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function ensureCliBuilt(): void {
  if (isOlderThan('out/cli/stigmem.js', ['src/main', 'src/shared', 'scripts/build-cli.mjs', 'package.json'])) run([join(REPO_ROOT, 'scripts', 'build-cli.mjs')]);
}
