// The headless console in a real browser (Debian's Chromium): a real `stigmem serve` process, the built renderer,
// the operator signing in with the admin key, and the dashboard showing what the HTTP API just stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnNode, type NodeProcess } from '../helpers/process.js';
import { ensureCliBuilt, ensureRendererBuilt } from './build.js';
import { CHROMIUM_MISSING, hasChromium, launchChromium, watchPageProblems } from './chromium.js';

if (!hasChromium) console.warn(`console e2e skipped: ${CHROMIUM_MISSING}`);

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
const FACT = { entity: 'stigmem://acme.example/team/ops', relation: 'rel:owns', value: { type: 'string', v: 'the release checklist' }, source: 'stigmem://acme.example/alice', scope: 'company' };

const ENTITY = 'stigmem://acme.example';

interface AdminApi {
  nodeId: string;
  fingerprint: string;
  /** The id of the fact asserted through POST /v1/facts. */
  factId: string;
  /** node:status's count once that fact is stored. */
  factCount: number;
  /** The key the node rotated away from before this run, and when its dual-trust window closes. */
  retired: { keyId: string; fingerprint: string; until: string };
}

/** The operator's rotation on a stopped node: publish a manifest, stop, `stigmem identity rotate-key`. */
async function rotatedNodeFolder(): Promise<{ dir: string; retired: AdminApi['retired'] }> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-e2e-node-'));
  const env = { STIGMEM_ADMIN_KEY: ADMIN_KEY, STIGMEM_ENTITY_URI: ENTITY, STIGMEM_KEY_STORE: 'file' };
  const first = await spawnNode(env, { dir });
  const signed = await runCli(['manifest', 'sign', '--entity', ENTITY, '--expires', '+365d', '--out', join(dir, 'manifest.json')], { cwd: dir, env });
  expect(signed.code, signed.stderr).toBe(0);
  const published = await runCli(['manifest', 'publish', join(dir, 'manifest.json'), '--url', first.url], { cwd: dir, env });
  expect(published.code, published.stderr).toBe(0);
  expect(await first.stop()).toBe(0);
  const rotated = await runCli(['identity', 'rotate-key', '--json'], { cwd: dir, env });
  expect(rotated.code, rotated.stderr).toBe(0);
  const out = JSON.parse(rotated.stdout) as { previous: { keyId: string; fingerprint: string }; dualTrustExpiresAt: string };
  return { dir, retired: { keyId: out.previous.keyId, fingerprint: out.previous.fingerprint, until: out.dualTrustExpiresAt } };
}

async function postJson(url: string, body: unknown, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the headless console', () => {
  let node: NodeProcess;
  let browser: BrowserContext;
  let home: string;
  let nodeDir: string;
  let known: AdminApi;
  const pageProblems: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    ensureRendererBuilt();
    ensureCliBuilt();
    const folder = await rotatedNodeFolder();
    nodeDir = folder.dir;
    node = await spawnNode({ STIGMEM_ADMIN_KEY: ADMIN_KEY, STIGMEM_ENTITY_URI: ENTITY }, { dir: folder.dir });
    const asserted = await postJson(`${node.url}/v1/facts`, FACT, ADMIN_KEY);
    expect(asserted.status).toBe(201);
    const status = await postJson(`${node.url}/console/api/node:status`, null, ADMIN_KEY);
    expect(status.status).toBe(200);
    const value = status.body['value'] as { nodeId: string; fingerprint: string; factCount: number };
    known = { nodeId: value.nodeId, fingerprint: value.fingerprint, factId: String(asserted.body['id']), factCount: value.factCount, retired: folder.retired };
    home = mkdtempSync(join(tmpdir(), 'stigmem-chromium-'));
    browser = await launchChromium(home);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await node?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
    if (nodeDir) rmSync(nodeDir, { recursive: true, force: true });
  });

  async function openConsole(): Promise<Page> {
    const page = await browser.newPage();
    watchPageProblems(page, pageProblems);
    await page.goto(`${node.url}/console`);
    return page;
  }

  it.skipIf(!hasChromium)('shows a clear error for a wrong key and stays signed out', async () => {
    const page = await openConsole();
    expect(page.url()).toBe(`${node.url}/console/`);
    await page.getByTestId('admin-key-input').fill('not-the-admin-key');
    await page.getByTestId('signin-submit').click();
    const notice = page.getByTestId('error-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('data-code')).toBe('unauthorized');
    expect(await notice.textContent()).toContain('The admin key was not accepted');
    expect(await notice.textContent()).toContain('Invalid or expired API key');
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await page.screenshot({ path: join(home, 'wrong-key.png') });
    await page.close();
  });

  it.skipIf(!hasChromium)('signs in with the admin key and shows the node, its fingerprint, the retired key and the asserted fact', async () => {
    const page = await openConsole();
    await page.getByTestId('admin-key-input').fill(ADMIN_KEY);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('node-id').waitFor();
    expect(await page.getByTestId('node-id').textContent()).toBe(known.nodeId);
    const groups = await page.getByTestId('fingerprint').locator('.fingerprint__group').allTextContents();
    expect(groups.join('-')).toBe(known.fingerprint);
    expect(groups).toHaveLength(8);
    expect(groups.join('-')).not.toBe(known.retired.fingerprint);
    const retired = page.getByTestId('retired-key');
    expect(await retired.count()).toBe(1);
    expect(await retired.getAttribute('data-key-id')).toBe(known.retired.keyId);
    expect(await retired.textContent()).toContain(known.retired.fingerprint);
    const until = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(known.retired.until)!;
    expect(await page.getByTestId('retired-key-until').textContent()).toBe(`${until[1]} ${until[2]} UTC`);
    const row = page.locator(`[data-testid=fact-row][data-fact-id="${known.factId}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual([FACT.entity, FACT.relation, FACT.value.v, FACT.source, FACT.scope]);
    expect(await page.getByTestId('fact-count').textContent()).toBe(String(known.factCount));
    expect(await page.getByTestId('node-transport').textContent()).toBe('Plain HTTP');
    await page.screenshot({ path: join(home, 'dashboard.png'), fullPage: true });

    // The key lives in this tab's session storage only, so a reload stays signed in; the page never had it in its HTML.
    await page.reload();
    await page.getByTestId('node-id').waitFor();
    expect(await page.content()).not.toContain(`value="${ADMIN_KEY}"`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('signin-form').waitFor();
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await page.close();
  });

  it.skipIf(!hasChromium)('finds the asserted fact on the Facts screen and opens it with its provenance', async () => {
    const page = await openConsole();
    await page.getByTestId('admin-key-input').fill(ADMIN_KEY);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('nav-facts').click();
    await page.getByTestId('facts-results').waitFor();
    await page.getByTestId('facts-entity').fill(FACT.entity);
    await page.getByTestId('facts-scope').selectOption('company');
    await page.getByTestId('facts-search-go').click();
    await page.getByTestId('facts-total').filter({ hasText: /^1 fact matches/ }).waitFor();
    await page.getByTestId('facts-scope').selectOption('public');
    await page.getByTestId('facts-search-go').click();
    await page.getByTestId('facts-none').waitFor();
    await page.getByTestId('facts-scope').selectOption('');
    await page.getByTestId('facts-search-go').click();
    const row = page.locator(`[data-testid=facts-row][data-fact-id="${known.factId}"]`);
    // A short window, so the panel opens below the fold: it is brought into view with its heading focused.
    await page.setViewportSize({ width: 1280, height: 400 });
    await row.getByTestId('facts-open').click();
    await page.getByTestId('fact-detail').waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('fact-detail-title');
    const heading = (await page.getByTestId('fact-detail-title').boundingBox())!;
    const header = (await page.locator('header.app-header').boundingBox())!;
    // In the window and below the sticky header, not under it.
    expect(heading.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
    expect(heading.y + heading.height).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.getByTestId('fact-detail-id').textContent()).toBe(known.factId);
    await page.getByTestId('fact-cid-valid').waitFor();
    expect(JSON.parse((await page.getByTestId('fact-provenance').textContent())!)).toMatchObject({ fact_id: known.factId, cid_valid: true });
    await page.screenshot({ path: join(home, 'facts.png'), fullPage: true });
    // Closed by keyboard, focus goes back to the row's button that opened it, which names the fact.
    await page.getByTestId('fact-detail-close').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('fact-detail').count()).toBe(0);
    await expect.poll(() => row.getByRole('button', { name: `Open ${FACT.entity} ${FACT.relation}` }).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.close();
  });

  it.skipIf(!hasChromium)('keeps the header and a fact with long unbroken values within the window, at 1280 and 800 pixels wide', async () => {
    const long = { ...FACT, entity: `stigmem://acme.example/team/${'o'.repeat(300)}`, source: `stigmem://acme.example/${'a'.repeat(300)}`, value: { type: 'string', v: 'v'.repeat(300) } };
    expect((await postJson(`${node.url}/v1/facts`, long, ADMIN_KEY)).status).toBe(201);
    const page = await openConsole();
    await page.getByTestId('admin-key-input').fill(ADMIN_KEY);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('node-id').waitFor();
    const box = async (testId: string) => (await page.getByTestId(testId).boundingBox())!;
    const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 900 });
      // The latest facts table, the long fact first, fits the window (no sideways scroll in it or the page).
      await page.getByTestId('facts-table').waitFor();
      expect(await page.getByTestId('facts-table').evaluate((t) => t.parentElement!.scrollWidth <= t.parentElement!.clientWidth), `table at ${width}`).toBe(true);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `page at ${width}`).toBe(true);
      // Every tab and button is inside the window, none painted over the brand.
      const brand = await box('header-brand');
      for (const id of ['nav-overview', 'nav-audit', 'header-refresh', 'sign-out']) {
        const b = await box(id);
        expect(b.x + b.width, `${id} at ${width}`).toBeLessThanOrEqual(width);
        expect(overlaps(b, brand), `${id} over the brand at ${width}`).toBe(false);
      }
    }
    // At 1280 the node's URL is shown whole, not cut short with an ellipsis.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.getByTestId('header-node-url').textContent()).toMatch(/^http:\/\/.+:\d+$/);
    expect(await page.getByTestId('header-node-url').evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    await page.screenshot({ path: join(home, 'header-1280.png') });
    await page.close();
  });

  it.skipIf(!hasChromium)('loaded without script errors or CSP violations', () => {
    expect(pageProblems).toEqual([]);
  });
});
