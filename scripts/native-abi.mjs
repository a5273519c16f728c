#!/usr/bin/env node
// Makes better-sqlite3's native binding match the runtime about to load it (Node for tests and `stigmem serve`,
// Electron for the desktop window). Probes first and rebuilds only when the probe fails, so it is quick when nothing
// is needed. Usage: node scripts/native-abi.mjs --for node|electron|auto
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROBE = "const Database = require('better-sqlite3'); new Database(':memory:').close();";
// Debian's nodejs-dev puts Node's headers under /usr; node-gyp needs them because it cannot download them here.
const SYSTEM_NODEDIR = '/usr';

/**
 * The Electron executable when its binary is installed, else null. Reads node_modules/electron/path.txt the way
 * electron's index.js does, without requiring 'electron' (which tries to download the binary when it is missing).
 */
export function findElectronBinary(root = ROOT) {
  const electronDir = join(root, 'node_modules', 'electron');
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const bin = join(override, relative || 'electron');
    return existsSync(bin) ? bin : null;
  }
  if (!relative) return null;
  const bin = join(electronDir, 'dist', relative);
  return existsSync(bin) ? bin : null;
}

function electronVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Load the binding in a separate process: a wrong ABI throws there, and a crash cannot take this script down. */
function probe(command, extraEnv = {}) {
  const res = spawnSync(command, ['-e', PROBE], { cwd: ROOT, env: { ...process.env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
  return { isLoadable: res.status === 0, detail: (res.stderr || res.error?.message || '').trim().split('\n').slice(0, 3).join(' ') };
}

const probeNode = () => probe(process.execPath);
const probeElectron = (bin) => probe(bin, { ELECTRON_RUN_AS_NODE: '1' });

function npmRebuild(env) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['rebuild', 'better-sqlite3'], { cwd: ROOT, env, encoding: 'utf8', timeout: 15 * 60_000 });
  if (res.status !== 0) {
    process.stderr.write(`${res.stdout ?? ''}${res.stderr ?? ''}`.split('\n').slice(-30).join('\n') + '\n');
    return false;
  }
  return true;
}

function rebuildForNode() {
  const env = { ...process.env };
  if (!env.npm_config_nodedir && existsSync(join(SYSTEM_NODEDIR, 'include', 'node', 'node.h'))) env.npm_config_nodedir = SYSTEM_NODEDIR;
  return npmRebuild(env);
}

function rebuildForElectron() {
  const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion(), npm_config_disturl: 'https://electronjs.org/headers' };
  // A nodedir would make node-gyp build against Node's headers while claiming to target Electron.
  delete env.npm_config_nodedir;
  delete env.NPM_CONFIG_NODEDIR;
  return npmRebuild(env);
}

function nodeLabel() {
  return `Node ${process.versions.node} (ABI ${process.versions.modules})`;
}

/** Returns the process exit code; prints one line saying what it did. */
export function ensureNodeAbi(reason = '') {
  if (probeNode().isLoadable) {
    console.log(`native-abi: better-sqlite3 already loads under ${nodeLabel()}${reason}`);
    return 0;
  }
  if (!rebuildForNode() || !probeNode().isLoadable) {
    console.error(`native-abi: could not rebuild better-sqlite3 for ${nodeLabel()}: ${probeNode().detail}`);
    return 1;
  }
  console.log(`native-abi: rebuilt better-sqlite3 for ${nodeLabel()}${reason}`);
  return 0;
}

export function ensureElectronAbi(bin) {
  const label = `Electron ${electronVersion()}`;
  if (probeElectron(bin).isLoadable) {
    console.log(`native-abi: better-sqlite3 already loads under ${label}`);
    return 0;
  }
  if (!rebuildForElectron() || !probeElectron(bin).isLoadable) {
    console.error(`native-abi: could not rebuild better-sqlite3 for ${label} (it needs Electron's headers): ${probeElectron(bin).detail}`);
    return 1;
  }
  console.log(`native-abi: rebuilt better-sqlite3 for ${label}`);
  return 0;
}

function main(argv) {
  const at = argv.indexOf('--for');
  const target = at >= 0 ? argv[at + 1] : 'node';
  if (target === 'node') return ensureNodeAbi();
  if (target === 'electron' || target === 'auto') {
    const bin = findElectronBinary();
    if (bin) return ensureElectronAbi(bin);
    if (target === 'electron') {
      console.error("native-abi: Electron's binary is not installed (node_modules/electron/dist), so there is nothing to build for");
      return 1;
    }
    return ensureNodeAbi("; Electron's binary is not installed, so the node will run headless");
  }
  console.error(`native-abi: --for must be node, electron or auto (got ${JSON.stringify(target)})`);
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
