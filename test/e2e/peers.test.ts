// The Peers screen in a real browser (Debian's Chromium) against two real `stigmem serve` processes: the operator of
// node B adds node A by URL and pinned key, checking its fingerprint first; a wrong key shows as a signature mismatch
// until a re-pin; A's facts arrive; removing A asks first and keeps what A sent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signer } from '../../src/main/node/identity/signer.js';
import { spawnNode, type NodeProcess } from '../helpers/process.js';
import { ensureCliBuilt, ensureRendererBuilt } from './build.js';
import { CHROMIUM_MISSING, hasChromium, launchChromium, signedInConsole } from './chromium.js';
import { adminApi, E2E_ADMIN_KEY, orgEnv } from './orgs.js';

if (!hasChromium) console.warn(`peers e2e skipped: ${CHROMIUM_MISSING}`);

const ADMIN_KEY = E2E_ADMIN_KEY;
const api = adminApi;
const FACTS = 12;

describe('the Peers screen', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let keyA: Signer;
  let keyB: Signer;
  let browser: BrowserContext;
  let home: string;
  const dirs: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    ensureRendererBuilt();
    ensureCliBuilt();
    const orgA = orgEnv('org-a');
    const orgB = orgEnv('org-b');
    keyA = orgA.key;
    keyB = orgB.key;
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'stigmem-e2e-peers-')));
    a = await spawnNode(orgA.env, { dir: dirs[0]! });
    b = await spawnNode(orgB.env, { dir: dirs[1]! });
    for (let i = 0; i < FACTS; i++) {
      const r = await api(`${a.url}/v1/facts`, 'POST', { entity: `stigmem://org-a.example/e/${i}`, relation: 'memory:role', value: { type: 'string', v: `v${i}` }, source: 'stigmem://org-a.example/agent/a', scope: 'public' });
      expect(r.status).toBe(201);
    }
    // Replication is mutual: A's operator has already added B (through the API, as the runbook does).
    expect((await api(`${a.url}/v1/federation/peers`, 'POST', { peer_url: b.url, trusted_public_key: keyB.publicKey })).status).toBe(201);
    home = mkdtempSync(join(tmpdir(), 'stigmem-chromium-'));
    browser = await launchChromium(home);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await a?.cleanup();
    await b?.cleanup();
    for (const d of [...dirs, home]) if (d) rmSync(d, { recursive: true, force: true });
  });

  async function peersScreenOfB(): Promise<Page> {
    const page = await signedInConsole(browser, b.url, ADMIN_KEY, problems);
    await page.getByTestId('nav-peers').click();
    await page.getByTestId('peers-screen').waitFor();
    return page;
  }

  const groupsOf = (page: Page, scope: string) => page.locator(scope).getByTestId('fingerprint').locator('.fingerprint__group').allTextContents();

  it.skipIf(!hasChromium)('adds a peer after its fingerprint is confirmed, shows a wrong pin, fixes it by re-pinning, and removes it after asking', async () => {
    const page = await peersScreenOfB();
    // What B's operator reads to A's operator: B's URL, federation key and its fingerprint.
    expect(await page.getByTestId('self-federation-key').textContent()).toBe(keyB.publicKey);
    expect(await page.getByTestId('self-node-id').textContent()).toBe(((await (await fetch(`${b.url}/.well-known/stigmem`)).json()) as { node_id: string }).node_id);
    // Plain HTTP between these two: nothing to say about certificates.
    expect(await page.getByTestId('self-mtls').count()).toBe(0);
    expect((await groupsOf(page, '[aria-labelledby=share-title]')).join('-')).toBe(keyB.fingerprint);
    await page.getByTestId('peers-empty').waitFor();

    // A key that is not A's (B's own, pasted by mistake): its fingerprint is shown, and nothing is sent until confirmed.
    await page.getByTestId('peer-url').fill(a.url);
    await page.getByTestId('peer-key').fill(keyB.publicKey);
    await page.getByTestId('key-check').waitFor();
    expect((await groupsOf(page, '[data-testid=add-peer-form]')).join('-')).toBe(keyB.fingerprint);
    expect(await page.getByTestId('add-peer-submit').isDisabled()).toBe(true);
    await page.getByTestId('fingerprint-matches').check();
    await page.getByTestId('add-peer-submit').click();
    const row = page.getByTestId('peer-row');
    await page.locator('[data-testid=peer-row][data-status=key_mismatch]').waitFor();
    expect(await row.getByTestId('peer-error').textContent()).toBe('signature_mismatch');
    expect(await page.getByTestId('peer-added').textContent()).toContain('does not match the one pinned');
    expect(await row.getByTestId('peer-fingerprint').textContent()).toBe(keyB.fingerprint);
    await page.screenshot({ path: join(home, 'peers-mismatch.png'), fullPage: true });

    // Re-pin to A's real key: the fingerprint shown is A's, and A's facts arrive.
    await row.getByTestId('repin-open').click();
    await page.getByTestId('repin-key').fill('not-a-key');
    await page.getByTestId('repin-key-error').waitFor();
    expect(await page.getByTestId('repin-submit').isDisabled()).toBe(true);
    await page.getByTestId('repin-key').fill(keyA.publicKey);
    await page.getByTestId('repin-panel').getByTestId('key-check').waitFor();
    expect(await page.getByTestId('repin-key-error').count()).toBe(0);
    expect((await groupsOf(page, '[data-testid=repin-panel]')).join('-')).toBe(keyA.fingerprint);
    expect(await page.getByTestId('repin-submit').isDisabled()).toBe(true);
    await page.getByTestId('repin-panel').getByTestId('fingerprint-matches').check();
    await page.getByTestId('repin-submit').click();
    await page.locator('[data-testid=peer-row][data-status=active]').waitFor();
    expect(await page.getByTestId('peer-error').count()).toBe(0);
    await page.locator('[data-testid=peer-added][data-status=active]').waitFor();
    await page.getByTestId('peer-facts').filter({ hasText: String(FACTS) }).waitFor({ timeout: 20_000 });
    // The lag reads as the newest fact's age, not a bare count of milliseconds.
    expect(await page.getByTestId('peer-lag').textContent()).toMatch(/^newest fact (\d+ ms|(\d+[dhm] )?\d+[hms]) old$/);
    await page.screenshot({ path: join(home, 'peers-active.png'), fullPage: true });

    // Removing asks first; keeping it changes nothing.
    await row.getByTestId('remove-open').click();
    const confirm = page.getByTestId('remove-panel');
    expect(await confirm.textContent()).toContain(`The ${FACTS} facts it sent stay in this node`);
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    expect(await page.getByTestId('peer-row').count()).toBe(1);
    await row.getByTestId('remove-open').click();
    await page.getByTestId('remove-confirm').click();
    await page.getByTestId('peers-empty').waitFor();
    expect(await page.getByTestId('peer-added').count()).toBe(0);
    // The activity log tells the story, newest first.
    await page.locator('[data-testid=event-row][data-event=peer_removed]').waitFor();
    const logged = await page.getByTestId('event-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
    const story = ['peer_removed', 'pull_completed', 'peer_repinned', 'signature_mismatch'].map((e) => logged.indexOf(e));
    expect(story.every((at, i) => at >= 0 && (i === 0 || at > story[i - 1]!)), JSON.stringify(logged)).toBe(true);
    // A pulled from B before B's operator added A: B refused its token, and said so.
    expect(logged).toContain('rejected_token');

    const peersOnB = await api(`${b.url}/v1/federation/peers`, 'GET');
    expect(peersOnB.body['peers']).toEqual([]);
    const kept = await api(`${b.url}/v1/facts?source=${encodeURIComponent('stigmem://org-a.example/agent/a')}&limit=100`, 'GET');
    expect((kept.body['facts'] as unknown[]).length).toBe(FACTS);
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('says why a peer cannot be added, in the node\'s words', async () => {
    const page = await peersScreenOfB();
    await page.getByTestId('peer-url').fill(a.url);
    await page.getByTestId('peer-key').fill('not a key');
    await page.getByText('That is not a 32-byte Ed25519 public key').waitFor();
    expect(await page.getByTestId('add-peer-submit').isDisabled()).toBe(true);
    await page.getByTestId('peer-key').fill(keyA.publicKey);
    await page.getByTestId('scope-public').uncheck();
    await page.getByTestId('scope-team').check();
    await page.getByTestId('fingerprint-matches').check();
    await page.getByTestId('add-peer-submit').click();
    const notice = page.getByTestId('add-peer-form').getByTestId('error-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('data-code')).toBe('scope_not_federatable');
    expect(await notice.textContent()).toContain('STIGMEM_FEDERATION_ALLOW_TEAM');
    expect(await page.getByTestId('peer-row').count()).toBe(0);
    await page.close();
  });

  it.skipIf(!hasChromium)('keeps a peer with a long unbroken URL within the window', async () => {
    const page = await peersScreenOfB();
    // Nothing listens on port 9: the peer is added, unreachable, and its note names the whole URL.
    const url = `http://127.0.0.1:9/${'p'.repeat(300)}`;
    await page.getByTestId('peer-url').fill(url);
    await page.getByTestId('peer-key').fill(keyA.publicKey);
    await page.getByTestId('fingerprint-matches').check();
    await page.getByTestId('add-peer-submit').click();
    const note = page.getByTestId('peer-added');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.textContent()).toContain(url);
    expect(await note.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.getByTestId('remove-open').click();
    await page.getByTestId('remove-confirm').click();
    await page.getByTestId('peers-empty').waitFor();
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('loaded without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
