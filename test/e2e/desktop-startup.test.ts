// The desktop window while its node starts, in a real browser (Debian's Chromium): the built renderer, the main
// process's real IPC handlers (desktop/ipc.ts) and startup (desktop/startup.ts), a real upgrade of a file an earlier
// version left in the built worker, and a real node. Only Electron's IPC pipe is replaced: Playwright's binding carries
// each call to the handler ipcMain would have called, as the preload does over ipcRenderer.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindAdminOperations, type IpcMainLike } from '../../src/main/desktop/ipc.js';
import { DesktopStartup } from '../../src/main/desktop/startup.js';
import { loadConfig, type NodeConfig } from '../../src/main/node/config/env.js';
import { builtUpgradeWorker, upgradeDatabase } from '../../src/main/node/db/upgrade.js';
import { startNode, type RunningNode } from '../../src/main/node/runtime.js';
import { OPERATION_NAMES } from '../../src/shared/contract.js';
import { closeLocal, listenLocal } from '../helpers/localServer.js';
import { blockMigration7, oldDatabaseFile } from '../helpers/oldDatabase.js';
import { REPO_ROOT } from '../helpers/process.js';
import { ensureRendererBuilt } from './build.js';
import { CHROMIUM_MISSING, hasChromium, launchChromium, watchPageProblems } from './chromium.js';

if (!hasChromium) console.warn(`desktop startup e2e skipped: ${CHROMIUM_MISSING}`);

const RENDERER = join(REPO_ROOT, 'out/renderer');
const WORKER = builtUpgradeWorker(join(REPO_ROOT, 'out/main'));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** The built renderer as files, the way Electron loads it from out/renderer. */
function rendererServer(): Server {
  return createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(RENDERER, path === '/' ? 'index.html' : path);
    try {
      if (!file.startsWith(RENDERER)) throw new Error('outside');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
}

interface Desktop {
  startup: DesktopStartup;
  node: RunningNode | null;
  /** Resolves once the start has finished, either way. */
  done: Promise<RunningNode | null>;
}

describe('the desktop window while its node starts', () => {
  let server: Server;
  let appUrl: string;
  let browser: BrowserContext;
  let home: string;
  const problems: string[] = [];
  const desktops: Desktop[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    ensureRendererBuilt();
    server = rendererServer();
    appUrl = (await listenLocal(server)).url;
    home = mkdtempSync(join(tmpdir(), 'stigmem-desktop-e2e-'));
    browser = await launchChromium(home);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const d of desktops) await (await d.done)?.close();
    if (server) await closeLocal(server);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function configFor(dbPath: string): NodeConfig {
    return loadConfig({ STIGMEM_DB_PATH: dbPath, STIGMEM_PORT: '0', STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent' }).config;
  }

  /** A desktop start on `dbPath` whose upgrade, once finished, waits for `hold` before the node starts. */
  function startDesktop(dbPath: string, hold: Promise<void>): Desktop {
    const startup = new DesktopStartup();
    const desktop: Desktop = { startup, node: null, done: Promise.resolve(null) };
    desktop.done = startup
      .run({
        configure: () => configFor(dbPath),
        upgrade: async (config, onStep) => {
          await upgradeDatabase(config.dbPath, { workerFile: WORKER, onStep });
          await hold;
        },
        start: (config) => startNode(config),
      })
      .then((n) => (desktop.node = n));
    desktops.push(desktop);
    return desktop;
  }

  /** A window on the built renderer whose `window.stigmem` reaches the main process's handlers for `desktop`. */
  async function openWindow(desktop: Desktop): Promise<Page> {
    const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
    bindAdminOperations(
      { handle: (ch, fn) => void handlers.set(ch, fn), removeHandler: (ch) => void handlers.delete(ch) },
      { currentDeps: () => desktop.node?.deps ?? null, startup: () => desktop.startup.current(), isTrustedSender: (url) => url?.startsWith(`${appUrl}/`) ?? false },
    );
    const page = await browser.newPage();
    watchPageProblems(page, problems);
    await page.exposeFunction('stigmemIpc', (channel: string, arg: unknown) => handlers.get(channel)!({ senderFrame: { url: page.url() } }, arg));
    // What the preload exposes: one method per operation, each an invoke on the operation's channel.
    await page.addInitScript((ops: string[]) => {
      const w = globalThis as unknown as { stigmem: Record<string, Record<string, (arg?: unknown) => Promise<unknown>>>; stigmemIpc: (ch: string, arg: unknown) => Promise<unknown> };
      const api: Record<string, Record<string, (arg?: unknown) => Promise<unknown>>> = {};
      for (const op of ops) {
        const [domain, verb] = op.split(':') as [string, string];
        (api[domain] ??= {})[verb] = (arg?: unknown) => w.stigmemIpc(op, arg);
      }
      w.stigmem = api;
    }, OPERATION_NAMES as string[]);
    await page.goto(`${appUrl}/`);
    return page;
  }

  it.skipIf(!hasChromium)('shows each upgrade step, then the dashboard of the started node with the facts the old file held', async () => {
    expect(WORKER, 'out/main/upgradeWorker.js (npx electron-vite build)').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-desktop-db-'));
    let release!: () => void;
    const desktop = startDesktop(oldDatabaseFile(join(dir, 'node.db'), 6, 30), new Promise<void>((r) => (release = r)));
    const page = await openWindow(desktop);
    const screen = page.locator('[data-testid=startup][data-phase=upgrading]');
    await screen.waitFor();
    await page.getByTestId('startup-step').filter({ hasText: 'Step 2 of 2: schema 8 (fact_checks)' }).waitFor();
    expect(await screen.getByRole('heading').textContent()).toBe('Upgrading the database');
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    await page.screenshot({ path: join(home, 'upgrading.png') });

    release();
    const node = await desktop.done;
    expect(node).not.toBeNull();
    await page.getByTestId('node-id').waitFor();
    expect(await page.getByTestId('node-id').textContent()).toBe(node!.deps.nodeId);
    expect(await page.getByTestId('fact-count').textContent()).toBe('30');
    await page.locator('[data-testid=fact-row][data-fact-id="id-29"]').waitFor();
    expect(await page.getByTestId('startup').count()).toBe(0);
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('shows why the node could not start when an upgrade step fails, and no dashboard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-desktop-db-'));
    const path = oldDatabaseFile(join(dir, 'node.db'), 6, 3);
    blockMigration7(path);
    const desktop = startDesktop(path, Promise.resolve());
    const page = await openWindow(desktop);
    await page.locator('[data-testid=startup][data-phase=failed]').waitFor();
    expect(await page.getByTestId('startup-message').textContent()).toMatch(/^upgrading the database to schema 7 \(fact_indexes\) failed, so it stays at schema 6: /);
    expect(await page.getByRole('alert').getByRole('heading').textContent()).toBe('The node could not start');
    expect(await desktop.done).toBeNull();
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    await page.screenshot({ path: join(home, 'failed.png') });
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('loaded without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
