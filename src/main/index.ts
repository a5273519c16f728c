// Electron glue only: one instance, a hardened window, the node started in-process, the admin operations on IPC,
// and the node stopped before the app quits. Everything that makes the node a node lives in ./node (Electron-free).
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bindAdminOperations } from './desktop/ipc.js';
import { rotateKeyOperation } from './desktop/keyRotation.js';
import { restoreDataOperation } from './desktop/dataRestore.js';
import { desktopNodeConfig } from './desktop/node-config.js';
import { DesktopNodeHost } from './desktop/nodeHost.js';
import { RotatingLogFile } from './desktop/logFile.js';
import { denyAllPermissions, hardenWebContents, isTrustedSenderUrl, mainWindowOptions } from './desktop/window-options.js';
import { builtUpgradeWorker, upgradeDatabase } from './node/db/upgrade.js';
import { builtPageWorker } from './node/federation/pageFetcher.js';
import { builtBackupCheckWorker } from './node/data/backupCheck.js';
import type { NodeConfig } from './node/config/env.js';
import { startNode, type RunningNode } from './node/runtime.js';
import type { KeychainFallback } from './node/secrets/custody.js';

const outMainDir = dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = join(outMainDir, '../preload/index.cjs');
const RENDERER_HTML = join(outMainDir, '../renderer/index.html');
const ICON_PATH = join(outMainDir, '../../resources/icon.png');
// `electron-vite dev` serves the renderer itself and names its URL here; a packaged app always loads the file.
const devRendererUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appUrl = devRendererUrl ?? pathToFileURL(RENDERER_HTML).href;

let mainWindow: BrowserWindow | null = null;
let isStopping = false;

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions({ preload: PRELOAD_PATH, icon: ICON_PATH }));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(appUrl);
  return win;
}

// A desktop app has no terminal: what the node logs goes to a file in the app's data folder as well as to stdout.
let logFile: RotatingLogFile | null = null;
function nodeLog(): RotatingLogFile {
  logFile ??= new RotatingLogFile(join(app.getPath('userData'), 'logs', 'stigmem.log'));
  return logFile;
}
function say(level: 'info' | 'warn' | 'error', message: string): void {
  (level === 'info' ? console.info : level === 'warn' ? console.warn : console.error)(message);
  nodeLog().line(level, message);
}

async function startDesktopNode(config: NodeConfig): Promise<RunningNode> {
  const running = await startNode(config, {
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["x-stigmem-capability"]'], stream: { write: (line: string) => (process.stdout.write(line), nodeLog().write(line)) } },
    keys: KEY_OPTIONS,
    pageWorkerFile: builtPageWorker(outMainDir),
    backupCheckWorkerFile: builtBackupCheckWorker(outMainDir),
  });
  for (const n of running.notices) say('info', `stigmem: ${n}`);
  say('info', `stigmem: node ${running.deps.nodeId} listening on ${running.url} (console ${running.url}/console/)`);
  return running;
}

async function askKeychainFallback(fallback: KeychainFallback): Promise<boolean> {
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    buttons: ['Keep the key in a file', 'Quit'],
    defaultId: 1,
    cancelId: 1,
    title: 'The OS keychain is not available',
    message: 'Stigmem could not store its identity key in the OS keychain.',
    detail: `${fallback.error.message}\n\nIt can keep the key in ${fallback.location} instead (readable only by your user account). Choose Quit to unlock or set up the keychain first.`,
  });
  return response === 0;
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

// The desktop never falls back from the OS keychain to a key file without the user's consent.
const KEY_OPTIONS = { confirmFallback: askKeychainFallback };

const host = new DesktopNodeHost<RunningNode>({
  configure: () => {
    const { config, warnings } = desktopNodeConfig(app.getPath('userData'), process.env);
    for (const w of warnings) say('warn', `stigmem: warning: ${w}`);
    return config;
  },
  upgrade: (config, onStep) =>
    upgradeDatabase(config.dbPath, {
      workerFile: builtUpgradeWorker(outMainDir),
      onStep: (s) => {
        say('info', `stigmem: upgrading the database to schema ${s.version} (${s.name}), step ${s.index} of ${s.total}`);
        onStep(s);
      },
      onNotice: (m) => say('warn', `stigmem: ${m}`),
    }),
  start: (config) => startDesktopNode(config),
}, KEY_OPTIONS);

async function startHostedNode(): Promise<void> {
  await host.start();
  const phase = host.phase();
  if (phase.phase === 'failed') say('error', `stigmem: the node could not start: ${phase.message}`);
}

async function onReady(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  bindAdminOperations(ipcMain, {
    currentDeps: () => host.current()?.deps ?? null,
    startup: () => host.phase(),
    isTrustedSender: (senderUrl) => isTrustedSenderUrl(senderUrl, appUrl),
    reportError: (op, err) => say('error', `stigmem: ${op} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    shellOperations: { 'identity:rotate': rotateKeyOperation(host), 'identity:firstRun': (choice) => host.chooseIdentity(choice), 'data:restore': restoreDataOperation(host) },
  });
  // The window first: it shows the upgrade's progress, or why the node could not start, instead of nothing at all.
  mainWindow = createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
  await startHostedNode();
}

// A second copy would fight the first for the port and the database: hand over to the running one instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Close the HTTP server and the database before the process ends, so SQLite checkpoints its WAL cleanly.
  app.on('will-quit', (event) => {
    if (isStopping) return;
    event.preventDefault();
    isStopping = true;
    host
      .stop()
      .catch((err: unknown) => say('error', `stigmem: the node did not stop cleanly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`))
      .finally(() => app.quit());
  });
  app.whenReady().then(onReady, (err: unknown) => {
    console.error('stigmem: Electron failed to start:', err);
    app.exit(1);
  });
}
