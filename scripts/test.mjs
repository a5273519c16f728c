#!/usr/bin/env node
// `npm test`: build, typecheck, lint, then every vitest suite; ends with one line `tests: N passed, M failed`.
// Extra arguments go to vitest (`npm test -- test/unit`, `npm test -- -t "peer"`).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);
const DEFAULT_TEST_DIRS = ['test/unit', 'test/integration', 'test/e2e'];
// Set inside the private D-Bus session, so a nested `npm test` does not start another one.
const SESSION_MARKER = 'STIGMEM_TEST_PRIVATE_SESSION';

function header(title) {
  process.stdout.write(`\n=== npm test: ${title}\n`);
}

/** [node, script] for a tool installed in node_modules/.bin, so it runs under this same Node. */
function tool(name) {
  const link = join(root, 'node_modules/.bin', name);
  if (!existsSync(link)) {
    process.stderr.write(`npm test: ${name} is not installed; run npm install first\n`);
    process.exit(1);
  }
  return [process.execPath, realpathSync(link)];
}

function run(title, argv, env = process.env) {
  header(title);
  const started = Date.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit', env });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit code ${r.status}`;
    process.stderr.write(`npm test: ${title} failed (${why}, ${secs}s)\n`);
    process.exit(r.status || 1);
  }
  process.stdout.write(`--- ${title}: ok (${secs}s)\n`);
}

function hasSources(dir) {
  const full = join(root, dir);
  if (!existsSync(full)) return false;
  for (const name of readdirSync(full)) {
    const p = join(full, name);
    if (statSync(p).isDirectory() ? hasSources(join(dir, name)) : /\.tsx?$/.test(name)) return true;
  }
  return false;
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

/** The environment and wrapper for vitest: a private D-Bus session with an unlocked throwaway keyring when possible. */
function keychainSandbox(baseDir) {
  if (process.env[SESSION_MARKER] === '1') return { prefix: [], env: process.env, home: null };
  const env = { ...process.env };
  if (!onPath('dbus-run-session') || !onPath('gnome-keyring-daemon')) {
    // Without a private session, tests must still never reach the developer's own keychain over their session bus.
    delete env.DBUS_SESSION_BUS_ADDRESS;
    process.stdout.write('keychain: dbus-run-session or gnome-keyring-daemon not found, so tests that need the OS keychain will skip\n');
    return { prefix: [], env, home: null };
  }
  const home = mkdtempSync(join(baseDir, 'home-'));
  const dirs = { XDG_CONFIG_HOME: '.config', XDG_DATA_HOME: '.local/share', XDG_CACHE_HOME: '.cache', XDG_STATE_HOME: '.local/state', XDG_RUNTIME_DIR: 'run' };
  for (const [name, rel] of Object.entries(dirs)) {
    env[name] = join(home, rel);
    mkdirSync(env[name], { recursive: true });
  }
  chmodSync(env.XDG_RUNTIME_DIR, 0o700);
  Object.assign(env, { HOME: home, [SESSION_MARKER]: '1' });
  delete env.DBUS_SESSION_BUS_ADDRESS;
  process.stdout.write(`keychain: tests run in a private D-Bus session with a throwaway keyring (HOME=${home})\n`);
  const script = 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';
  return { prefix: ['dbus-run-session', '--', 'sh', '-c', script, 'sh'], env, home };
}

function vitestArgs(reportFile) {
  // Leading paths replace the default folders; anything else (flags) is added to them.
  const ownPaths = extraArgs.length > 0 && !extraArgs[0].startsWith('-');
  const paths = ownPaths ? [] : DEFAULT_TEST_DIRS.filter((d) => existsSync(join(root, d)));
  return ['run', ...paths, ...extraArgs, '--reporter=default', '--reporter=json', `--outputFile=${reportFile}`];
}

/** Counts from vitest's JSON report; a file that failed to load counts as one failure. */
function summarise(reportFile) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const files = report.testResults ?? [];
  const broken = files.filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'));
  for (const f of broken) {
    const first = String(f.message ?? 'no message').split('\n')[0];
    process.stdout.write(`vitest: ${f.name.replace(`${root}/`, '')} failed to run: ${first}\n`);
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + broken.length,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

const started = Date.now();
run('build the stigmem CLI', [process.execPath, join(root, 'scripts/build-cli.mjs')]);
if (existsSync(join(root, 'electron.vite.config.ts'))) run('electron-vite build (the renderer the e2e tests load)', [...tool('electron-vite'), 'build']);
run('typecheck main, preload and tests (tsconfig.node.json)', [...tool('tsc'), '-p', 'tsconfig.node.json', '--noEmit']);
if (hasSources('src/renderer') || hasSources('src/shared')) run('typecheck the renderer (tsconfig.web.json)', [...tool('tsc'), '-p', 'tsconfig.web.json', '--noEmit']);
else process.stdout.write('\n=== npm test: typecheck the renderer: skipped, no sources under src/renderer or src/shared\n');
run('eslint', [...tool('eslint'), '.']);

header(`vitest ${extraArgs.length ? extraArgs.join(' ') : DEFAULT_TEST_DIRS.join(' ')}`);
const reportDir = mkdtempSync(join(tmpdir(), 'stigmem-vitest-'));
const reportFile = join(reportDir, 'report.json');
// Every temporary folder the tests (and the nodes they start) make lands here and goes when the run ends; the
// throwaway keyring's HOME too, so the keychain tests can see it is a temporary one.
const runTmp = mkdtempSync(join(tmpdir(), 'stigmem-test-tmp-'));
const sandbox = keychainSandbox(runTmp);
sandbox.env = { ...sandbox.env, TMPDIR: runTmp };
const argv = [...sandbox.prefix, ...tool('vitest'), ...vitestArgs(reportFile)];
const testsStarted = Date.now();
const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit', env: sandbox.env });
const code = r.error ? 1 : (r.status ?? 1);
if (sandbox.home) rmSync(sandbox.home, { recursive: true, force: true, maxRetries: 3 });
rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
process.stdout.write(`--- vitest: ${((Date.now() - testsStarted) / 1000).toFixed(1)}s; all steps ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
if (!existsSync(reportFile)) {
  rmSync(reportDir, { recursive: true, force: true });
  process.stderr.write(`npm test: vitest wrote no report (${r.error ? r.error.message : `exit code ${code}`})\n`);
  process.exit(code || 1);
}
const s = summarise(reportFile);
rmSync(reportDir, { recursive: true, force: true });
if (code !== 0 && s.failed === 0) process.stdout.write(`vitest exited with code ${code} although no test failed (unhandled errors or a crash; see above)\n`);
process.stdout.write(`tests: ${s.passed} passed, ${s.failed} failed${s.skipped > 0 ? `, ${s.skipped} skipped` : ''}\n`);
process.exit(s.failed > 0 || code !== 0 ? 1 : 0);
