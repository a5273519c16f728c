// The desktop window while its node starts, and while it stops for a key rotation or a database restore, in a real browser (Debian's
// Chromium): the built renderer, the main process's real IPC handlers (desktop/ipc.ts) and node host
// (desktop/nodeHost.ts), a real upgrade of a file an earlier version left in the built worker, and a real node. Only Electron's IPC pipe is replaced: Playwright's binding carries
// each call to the handler ipcMain would have called, as the preload does over ipcRenderer. The first-run question, a
// key rotation and a restore over a damaged database are also driven by keyboard alone.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindAdminOperations, type IpcMainLike } from '../../src/main/desktop/ipc.js';
import { restoreDataOperation } from '../../src/main/desktop/dataRestore.js';
import { rotateKeyOperation } from '../../src/main/desktop/keyRotation.js';
import { anonymousPrincipal } from '../../src/main/node/auth/permissions.js';
import { assertFact } from '../../src/main/node/facts/service.js';
import { DesktopNodeHost } from '../../src/main/desktop/nodeHost.js';
import { runAdminOperation } from '../../src/main/node/console/handlers.js';
import { loadConfig, type NodeConfig } from '../../src/main/node/config/env.js';
import { builtUpgradeWorker, upgradeDatabase } from '../../src/main/node/db/upgrade.js';
import { startNode, type RunningNode } from '../../src/main/node/runtime.js';
import { OPERATION_NAMES } from '../../src/shared/contract.js';
import { ok } from '../../src/shared/result.js';
import { closeLocal, listenLocal } from '../helpers/localServer.js';
import { blockMigration7, oldDatabaseFile } from '../helpers/oldDatabase.js';
import { REPO_ROOT } from '../helpers/process.js';
import { ensureRendererBuilt } from './build.js';
import { CHROMIUM_MISSING, hasChromium, launchChromium, watchPageProblems } from './chromium.js';
import { description, focusedDescription, isFocused, liveRegions, retype, tabTo, waitForAnnouncement, waitForFocus } from './keyboard.js';

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
  host: DesktopNodeHost<RunningNode>;
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
    for (const d of desktops) {
      await d.done;
      await d.host.stop();
    }
    if (server) await closeLocal(server);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function configFor(dbPath: string, env: Record<string, string>): NodeConfig {
    return loadConfig({ STIGMEM_DB_PATH: dbPath, STIGMEM_PORT: '0', STIGMEM_KEY_STORE: 'file', STIGMEM_LOG_LEVEL: 'silent', ...env }).config;
  }

  /** A desktop start on `dbPath` whose upgrade, once finished, waits for `hold` before the node starts. */
  function startDesktop(dbPath: string, hold: Promise<void>, env: Record<string, string> = {}): Desktop {
    const host = new DesktopNodeHost<RunningNode>({
      configure: () => configFor(dbPath, env),
      upgrade: async (config, onStep) => {
        await upgradeDatabase(config.dbPath, { workerFile: WORKER, onStep });
        await hold;
      },
      start: (config) => startNode(config),
    });
    const desktop: Desktop = { host, done: host.start() };
    desktops.push(desktop);
    return desktop;
  }

  /** A window on the built renderer whose `window.stigmem` reaches the main process's handlers for `desktop`. */
  async function openWindow(desktop: Desktop): Promise<Page> {
    const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
    bindAdminOperations(
      { handle: (ch, fn) => void handlers.set(ch, fn), removeHandler: (ch) => void handlers.delete(ch) },
      {
        currentDeps: () => desktop.host.current()?.deps ?? null,
        startup: () => desktop.host.phase(),
        isTrustedSender: (url) => url?.startsWith(`${appUrl}/`) ?? false,
        shellOperations: { 'identity:rotate': rotateKeyOperation(desktop.host), 'identity:firstRun': (choice) => desktop.host.chooseIdentity(choice), 'data:restore': restoreDataOperation(desktop.host) },
      },
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

  /** A desktop on an empty folder whose operator creates a new identity at the first-run question. */
  async function newOrganisation(): Promise<{ dir: string; org: string; desktop: Desktop; page: Page; node: RunningNode }> {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-desktop-db-'));
    const org = 'stigmem://org-a.example';
    const desktop = startDesktop(join(dir, 'node.db'), Promise.resolve(), { STIGMEM_ENTITY_URI: org });
    const page = await openWindow(desktop);
    // A first start: the operator creates the identity before anything is written to the folder.
    await page.locator('[data-testid=startup][data-phase=first-run]').waitFor();
    await page.getByTestId('first-run-new').click();
    return { dir, org, desktop, page, node: (await desktop.done)! };
  }

  it.skipIf(!hasChromium)('shows each upgrade step, then the dashboard of the started node with the facts the old file held', async () => {
    expect(WORKER, 'out/main/upgradeWorker.js (npx electron-vite build)').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-desktop-db-'));
    let release!: () => void;
    const desktop = startDesktop(oldDatabaseFile(join(dir, 'node.db'), 6, 30), new Promise<void>((r) => (release = r)));
    const page = await openWindow(desktop);
    const screen = page.locator('[data-testid=startup][data-phase=upgrading]');
    await screen.waitFor();
    await page.getByTestId('startup-step').filter({ hasText: 'Step 3 of 3: schema 9 (peer_signed_pages)' }).waitFor();
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

  it.skipIf(!hasChromium)('rotates the identity key from the Keys screen: the node stops, the key is replaced, the node comes back on it', async () => {
    const { dir, org, desktop, page, node: before } = await newOrganisation();
    const oldKey = before.deps.keys.org;
    await page.getByTestId('nav-keys').click();
    // A rotation re-signs the org manifest, so without one the screen says to publish it first (and stops nothing).
    expect(await page.getByTestId('rotate-blocked').textContent()).toContain('Publish the org manifest first');
    await page.getByTestId('nav-manifest').click();
    await page.getByTestId('manifest-publish-open').click();
    await page.getByTestId('manifest-publish-confirm').click();
    await page.getByTestId('manifest-current').waitFor();
    expect(desktop.host.current()).toBe(before);
    await page.getByTestId('nav-keys').click();
    await page.getByTestId('rotate-form').waitFor();
    expect(await page.getByTestId('rotate-open').isDisabled()).toBe(true);
    await page.getByTestId('rotate-confirm-entity').fill(org);
    await page.getByTestId('rotate-open').click();
    expect(await page.getByTestId('rotate-confirm-panel').textContent()).toContain('keep verifying for 90 days');
    await page.getByTestId('rotate-go').click();
    await page.getByTestId('rotation-done').waitFor({ timeout: 30_000 });
    const after = desktop.host.current()!;
    expect(after).not.toBe(before);
    expect(after.deps.keys.org.keyId).not.toBe(oldKey.keyId);
    expect(await page.getByTestId('rotation-previous').textContent()).toBe(oldKey.keyId);
    const served = (await (await fetch(`${after.url}/.well-known/stigmem-manifest.json`)).json()) as { public_key: string; rotation_events: unknown[] };
    expect(served).toMatchObject({ public_key: after.deps.keys.org.publicKey, rotation_events: [expect.anything()] });
    await page.getByTestId('keys-public-key').filter({ hasText: after.deps.keys.org.publicKey }).waitFor();
    // The new key has no backup yet, and the screen says so.
    await page.getByTestId('backup-none').waitFor();
    await page.screenshot({ path: join(home, 'rotated.png'), fullPage: true });
    await page.getByTestId('nav-overview').click();
    await page.locator(`[data-testid=retired-key][data-key-id="${oldKey.keyId}"]`).waitFor();
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('backs the database up sealed from the Data screen and restores it: the node stops, the backup goes back, the node comes back', async () => {
    const { dir, org, desktop, page, node: before } = await newOrganisation();
    const write = (node: RunningNode, name: string) => assertFact(node.deps, anonymousPrincipal(), { entity: `${org}/e/${name}`, relation: 'memory:role', value: { type: 'string', v: name }, source: `${org}/agent/a`, confidence: 0.9, scope: 'company' }, { trusted: true });
    write(before, 'kept');

    // Sealed under a passphrase, as for a copy that leaves the machine.
    await page.getByTestId('nav-data').click();
    // The database's disk and what is free on it (this machine's disk is far from the 1 GB warning level).
    expect(await page.getByTestId('data-disk-free').textContent()).toMatch(/^\d+(\.\d)? (KB|MB|GB|TB) of \d+(\.\d)? (KB|MB|GB|TB)$/);
    expect(await page.getByTestId('data-disk-free').getAttribute('data-low')).toBe('false');
    const path = join(dir, 'node-data.sqlite');
    const passphrase = 'Seven amber Lanterns 24';
    await page.getByTestId('data-backup-path').fill(path);
    await page.getByTestId('data-backup-seal').check();
    await page.getByTestId('data-backup-passphrase').fill('password1234');
    await page.getByTestId('data-backup-weak').waitFor();
    expect(await page.getByTestId('data-backup-open').isDisabled()).toBe(true);
    await page.getByTestId('data-backup-passphrase').fill(passphrase);
    await page.getByTestId('data-backup-repeat').fill(passphrase);
    await page.getByTestId('data-backup-open').click();
    expect(await page.getByTestId('data-backup-confirm-panel').textContent()).toContain('opens only with the passphrase');
    await page.getByTestId('data-backup-confirm').click();
    await page.getByTestId('data-backup-done').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('data-info-facts').textContent()).toBe('1');
    expect(await page.getByTestId('data-info-sealed').textContent()).toContain('yes');
    expect(readFileSync(path).includes(Buffer.from(`${org}/e/kept`))).toBe(false);
    write(before, 'lost');

    // Read, it shows its header; a wrong passphrase does not open it; the right one does, and only then can it be restored.
    await page.getByTestId('data-inspect-path').fill(path);
    await page.getByTestId('data-inspect-go').click();
    await page.getByTestId('data-open-form').waitFor();
    expect(await page.getByTestId('data-restore-form').count()).toBe(0);
    await page.getByTestId('data-open-passphrase').fill(`${passphrase}!`);
    await page.getByTestId('data-open-go').click();
    const wrong = page.getByTestId('data-screen').getByTestId('error-notice');
    await wrong.waitFor();
    expect(await wrong.getAttribute('data-code')).toBe('passphrase_wrong');
    await page.getByTestId('data-open-passphrase').fill(passphrase);
    await page.getByTestId('data-open-go').click();
    await page.getByTestId('data-restore-form').waitFor();
    expect(await page.getByTestId('data-restore-open').isDisabled()).toBe(true);
    await page.getByTestId('data-restore-entity').fill(org);
    await page.getByTestId('data-restore-open').click();
    expect(await page.getByTestId('data-restore-confirm-panel').textContent()).toContain('everything written since the backup');
    const quiet = await liveRegions(page);
    await page.getByTestId('data-restore-go').click();
    await page.getByTestId('data-restore-done').waitFor({ timeout: 30_000 });
    await waitForAnnouncement(page, quiet, 'Restored: the node runs on the restored database.');
    const after = desktop.host.current()!;
    expect(after).not.toBe(before);
    expect(after.deps.keys.org.keyId).toBe(before.deps.keys.org.keyId);
    expect(after.deps.db.raw.prepare('SELECT entity FROM facts').pluck().all()).toEqual([`${org}/e/kept`]);
    expect(readFileSync(await page.getByTestId('data-restore-previous').textContent() as string).length).toBeGreaterThan(0);
    // The ceremony record went into the sealed copy and came back to a folder that already holds every step of it.
    expect(await page.getByTestId('data-restore-record').getAttribute('data-outcome')).toBe('kept');
    await page.getByTestId('data-facts').filter({ hasText: /^1$/ }).waitFor();
    await page.screenshot({ path: join(home, 'restored.png'), fullPage: true });
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('offers to restore a database backup when the node cannot start on a damaged database, and comes back on it', async () => {
    const { dir, org, desktop, page, node } = await newOrganisation();
    assertFact(node.deps, anonymousPrincipal(), { entity: `${org}/e/kept`, relation: 'memory:role', value: { type: 'string', v: 'kept' }, source: `${org}/agent/a`, confidence: 0.9, scope: 'company' }, { trusted: true });
    const backup = join(dir, 'node-data.sqlite');
    expect((await runAdminOperation(node.deps, 'data:backup', { path: backup })).ok).toBe(true);
    await page.getByTestId('dashboard').waitFor();

    // A disk fault while the node was stopped: the header is gone, and the start fails on it.
    const dbPath = node.deps.config.dbPath;
    const bytes = readFileSync(dbPath);
    bytes.fill(0x5a, 0, 100);
    await desktop.host.whileStopped('Stopping', () => null, async () => ok(writeFileSync(dbPath, bytes)));
    await page.locator('[data-testid=startup][data-phase=failed]').waitFor();
    expect(await page.getByTestId('startup-message').textContent()).toContain('is damaged (SQLITE_NOTADB');
    await page.getByTestId('damaged-restore-form').waitFor();
    await page.getByTestId('damaged-restore-path').fill(backup);
    expect(await page.getByTestId('damaged-restore-go').isDisabled()).toBe(true);
    await page.getByTestId('damaged-restore-entity').fill(org);
    await page.getByTestId('damaged-restore-go').click();
    await page.getByTestId('dashboard').waitFor({ timeout: 30_000 });
    const back = desktop.host.current()!;
    expect(back.deps.db.raw.prepare('SELECT entity FROM facts').pluck().all()).toEqual([`${org}/e/kept`]);
    expect(readFileSync(readdirSync(dir).map((f) => join(dir, f)).find((f) => f.includes('node.db.damaged-') && !f.endsWith('-wal'))!).equals(bytes)).toBe(true);
    await page.screenshot({ path: join(home, 'damaged-restored.png'), fullPage: true });
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('restores the organisation from a backup on a first start, after refusing the wrong passphrase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-desktop-db-'));
    // The organisation's node on the machine that was lost, and the backup its operator kept.
    const lost = await startNode(configFor(join(dir, 'lost', 'node.db'), {}));
    const backupPath = join(dir, 'org-key.backup');
    expect((await runAdminOperation(lost.deps, 'identity:backup', { path: backupPath, passphrase: 'Twelve brass Bells 60' })).ok).toBe(true);
    const { nodeId, keys } = lost.deps;
    await lost.close();

    const desktop = startDesktop(join(dir, 'replacement', 'node.db'), Promise.resolve());
    const page = await openWindow(desktop);
    await page.locator('[data-testid=startup][data-phase=first-run]').waitFor();
    await page.getByTestId('first-run-path').fill(backupPath);
    await page.getByTestId('first-run-passphrase').fill('Twelve brass Bells 61');
    await page.getByTestId('first-run-restore').click();
    const refused = page.getByTestId('error-notice');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('passphrase_wrong');
    // The refusal is about the passphrase: that field reads as invalid, described by it.
    expect(await page.getByTestId('first-run-passphrase').getAttribute('aria-invalid')).toBe('true');
    expect((await description(page.getByTestId('first-run-passphrase'))).isAlert).toBe(true);
    expect(await page.getByTestId('first-run-path').getAttribute('aria-invalid')).toBeNull();
    await page.screenshot({ path: join(home, 'first-run.png'), fullPage: true });
    await page.getByTestId('first-run-passphrase').fill('Twelve brass Bells 60');
    await page.getByTestId('first-run-restore').click();
    const node = (await desktop.done)!;
    expect(node.deps.nodeId).toBe(nodeId);
    expect(node.deps.keys.org.publicKey).toBe(keys.org.publicKey);
    await page.getByTestId('node-id').filter({ hasText: nodeId }).waitFor();
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('sets up the identity, rotates the key and restores over a damaged database by keyboard alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stigmem-desktop-db-'));
    const org = 'stigmem://org-a.example';
    const desktop = startDesktop(join(dir, 'node.db'), Promise.resolve(), { STIGMEM_ENTITY_URI: org });
    const page = await openWindow(desktop);

    // The first-run question takes focus at its heading; a refused restore marks the field it is about and returns to it.
    await page.locator('[data-testid=startup][data-phase=first-run]').waitFor();
    await waitForFocus(page, page.getByRole('heading', { level: 1, name: "Set up this organisation's identity" }));
    const keyPath = page.getByRole('textbox', { name: 'Backup file (full path)' });
    await tabTo(page, keyPath);
    await page.keyboard.type(join(dir, 'no-such.backup'));
    await page.keyboard.press('Tab');
    await page.keyboard.type('Twelve brass Bells 60');
    await page.keyboard.press('Enter');
    await page.getByTestId('error-notice').waitFor();
    await waitForFocus(page, keyPath);
    expect(await keyPath.getAttribute('aria-invalid')).toBe('true');
    expect((await description(keyPath)).isAlert).toBe(true);
    const create = page.getByRole('button', { name: 'Create the identity key' });
    await tabTo(page, create, { backwards: true });
    await page.keyboard.press('Enter');
    const before = (await desktop.done)!;
    await waitForFocus(page, page.getByRole('heading', { level: 1, name: 'Overview' }));

    // A rotation needs a published manifest; both by Tab, Enter and Escape, each question a dialog that takes focus.
    await tabTo(page, page.getByTestId('nav-manifest'));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('button', { name: 'Sign and publish…' }));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('alertdialog', { name: 'Publish the manifest' }).getByRole('button', { name: 'Sign and publish' }));
    await page.keyboard.press('Enter');
    await page.getByTestId('manifest-current').waitFor();
    await tabTo(page, page.getByTestId('nav-keys'), { backwards: true, max: 150 });
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('textbox', { name: `Type ${org} to confirm` }), { max: 150 });
    await page.keyboard.type(org);
    const rotateOpen = page.getByRole('button', { name: 'Rotate…' });
    await tabTo(page, rotateOpen);
    await page.keyboard.press('Enter');
    const rotating = page.getByRole('alertdialog', { name: 'Rotate the key' });
    await waitForFocus(page, rotating.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Escape');
    await waitForFocus(page, rotateOpen);
    await page.keyboard.press('Enter');
    await tabTo(page, rotating.getByRole('button', { name: 'Rotate now' }));
    const quiet = await liveRegions(page);
    await page.keyboard.press('Enter');
    await page.getByTestId('rotation-done').waitFor({ timeout: 30_000 });
    await waitForAnnouncement(page, quiet, 'Key rotated');
    // The question and its buttons are gone: focus rests on the card's heading, above the result.
    await waitForFocus(page, page.getByRole('heading', { level: 2, name: 'Rotate the identity key' }));
    const rotated = desktop.host.current()!;
    expect(rotated.deps.keys.org.keyId).not.toBe(before.deps.keys.org.keyId);

    // The database is damaged while the node is stopped: the failure takes focus at its heading, the restore form follows.
    const backup = join(dir, 'node-data.sqlite');
    expect((await runAdminOperation(rotated.deps, 'data:backup', { path: backup })).ok).toBe(true);
    const dbPath = rotated.deps.config.dbPath;
    const bytes = readFileSync(dbPath);
    bytes.fill(0x5a, 0, 100);
    await desktop.host.whileStopped('Stopping', () => null, async () => ok(writeFileSync(dbPath, bytes)));
    await page.locator('[data-testid=startup][data-phase=failed]').waitFor();
    await waitForFocus(page, page.getByRole('heading', { level: 1, name: 'The node could not start' }));
    const dataPath = page.getByRole('textbox', { name: 'Database backup (full path)' });
    await page.keyboard.press('Tab');
    expect(await isFocused(dataPath), await focusedDescription(page)).toBe(true);
    await page.keyboard.type(join(dir, 'no-such.sqlite'));
    await tabTo(page, page.getByRole('textbox', { name: `Type ${org} to confirm` }));
    await page.keyboard.type(org);
    await page.keyboard.press('Enter');
    await page.getByTestId('startup').getByTestId('error-notice').waitFor();
    await waitForFocus(page, dataPath);
    expect(await dataPath.getAttribute('aria-invalid')).toBe('true');
    expect((await description(dataPath)).isAlert).toBe(true);
    await retype(page, backup);
    await page.keyboard.press('Enter');
    // Back on the screen it was on, focus at that screen's heading.
    await waitForFocus(page, page.getByRole('heading', { level: 1, name: 'Keys' }));
    expect(desktop.host.current()!.deps.keys.org.keyId).toBe(rotated.deps.keys.org.keyId);
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it.skipIf(!hasChromium)('loaded without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
