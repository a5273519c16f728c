#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed; otherwise the same node headless, with the
// console (the same screens in a browser) at <node URL>/console/.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './native-abi.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ELECTRON_VITE = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');

function runStep(label, args) {
  const res = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (res.status !== 0) {
    console.error(`start: ${label} failed`);
    process.exit(res.status ?? 1);
  }
}

/** Run a child until it exits, passing our termination signals on, then leave with its exit code. */
function supervise(child) {
  // A closed terminal (SIGHUP) stops the node: to `stigmem serve` itself SIGHUP means "read the TLS files again".
  for (const [signal, passed] of [['SIGINT', 'SIGINT'], ['SIGTERM', 'SIGTERM'], ['SIGHUP', 'SIGTERM']]) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(passed);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startDesktop(electronBin) {
  runStep('electron-vite build', [ELECTRON_VITE, 'build']);
  supervise(spawn(electronBin, [ROOT], { cwd: ROOT, stdio: 'inherit', env: process.env }));
}

function startHeadless() {
  console.log("start: the desktop window needs Electron's binary, which cannot be downloaded on this machine; running the node headless instead");
  runStep('electron-vite build', [ELECTRON_VITE, 'build', '--logLevel', 'warn']);
  runStep('building the stigmem command', [join(ROOT, 'scripts', 'build-cli.mjs')]);
  // stdout is read to learn the URL the node listens on; everything it prints is passed through unchanged.
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'stigmem.mjs'), 'serve'], { stdio: ['inherit', 'pipe', 'inherit'], env: process.env });
  let pending = '';
  let isAnnounced = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (isAnnounced) return;
    pending += chunk.toString();
    const m = /listening on (\S+)/.exec(pending);
    if (m) {
      isAnnounced = true;
      console.log(`start: node at ${m[1]}; console at ${m[1]}/console/ (sign in with STIGMEM_ADMIN_KEY)`);
      console.log(`start: the node keeps its database, key and settings (.env) in ${process.cwd()}`);
      if (!hasAdminKey()) console.log('start: no STIGMEM_ADMIN_KEY is set, so nobody can sign in to the console: stop (Ctrl-C), run `export STIGMEM_ADMIN_KEY=$(openssl rand -hex 24)` or put it in ./.env, and start again');
    }
  });
  supervise(child);
}

/** The admin key from the environment or the .env `stigmem serve` reads in this folder. */
function hasAdminKey() {
  if (process.env.STIGMEM_ADMIN_KEY || process.env.STIGMEM_BOOTSTRAP_KEY) return true;
  try {
    return /^\s*(export\s+)?STIGMEM_(ADMIN|BOOTSTRAP)_KEY\s*=\s*\S/m.test(readFileSync(join(process.cwd(), '.env'), 'utf8'));
  } catch {
    return false;
  }
}

const electronBin = findElectronBinary(ROOT);
if (electronBin) startDesktop(electronBin);
else startHeadless();
