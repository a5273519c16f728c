// The Quarantine and Trust screens in a real browser (Debian's Chromium) against two real `stigmem serve` processes:
// node B (strict trust) holds what node A sends; its operator promotes one held fact and rejects the rest with a
// reason, after confirming each; then trusts A's agents by prefix, so A's next fact is admitted, and takes it back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/http.js';
import { spawnNode, type NodeProcess } from '../helpers/process.js';
import { ensureCliBuilt, ensureRendererBuilt } from './build.js';
import { CHROMIUM_MISSING, hasChromium, launchChromium, signedInConsole } from './chromium.js';
import { adminApi, E2E_ADMIN_KEY, orgEnv } from './orgs.js';
import { waitForFocus } from './keyboard.js';

if (!hasChromium) console.warn(`trust and quarantine e2e skipped: ${CHROMIUM_MISSING}`);

const VALUES = ['alpha', 'beta', 'gamma'];
// One unbroken run of text, longer than any cell is wide.
const LONG = 'x'.repeat(400);
const SOURCE = 'stigmem://org-a.example/agent/unvetted';
// Replication runs every second; a fact crossing takes a few pulls at most.
const CROSSING_MS = 20_000;

describe('the Quarantine and Trust screens', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let browser: BrowserContext;
  let home: string;
  const dirs: string[] = [];
  const problems: string[] = [];
  const idOf = new Map<string, string>();

  beforeAll(async () => {
    if (!hasChromium) return;
    ensureRendererBuilt();
    ensureCliBuilt();
    const orgA = orgEnv('org-a');
    const orgB = orgEnv('org-b', { STIGMEM_TRUST_MODE: 'strict' });
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'stigmem-e2e-quarantine-')));
    a = await spawnNode(orgA.env, { dir: dirs[0]! });
    b = await spawnNode(orgB.env, { dir: dirs[1]! });
    for (const v of VALUES) {
      const r = await adminApi(`${a.url}/v1/facts`, 'POST', { entity: `stigmem://org-a.example/claim/${v}`, relation: 'memory:status', value: { type: 'string', v }, source: SOURCE, scope: 'public' });
      expect(r.status).toBe(201);
      idOf.set(v, String(r.body['id']));
    }
    expect((await adminApi(`${a.url}/v1/federation/peers`, 'POST', { peer_url: b.url, trusted_public_key: orgB.key.publicKey })).status).toBe(201);
    expect((await adminApi(`${b.url}/v1/federation/peers`, 'POST', { peer_url: a.url, trusted_public_key: orgA.key.publicKey })).status).toBe(201);
    await waitFor('B to hold what A sent', async () => ((await adminApi(`${b.url}/v1/quarantine?quarantine_status=pending`, 'GET')).body['total'] === VALUES.length ? true : undefined), CROSSING_MS);
    home = mkdtempSync(join(tmpdir(), 'stigmem-chromium-'));
    browser = await launchChromium(home);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await a?.cleanup();
    await b?.cleanup();
    for (const d of [...dirs, home]) if (d) rmSync(d, { recursive: true, force: true });
  });

  async function screenOfB(screen: 'quarantine' | 'trust' | 'audit'): Promise<Page> {
    const page = await signedInConsole(browser, b.url, E2E_ADMIN_KEY, problems);
    await page.getByTestId(`nav-${screen}`).click();
    await page.getByTestId(`${screen}-table`).waitFor();
    return page;
  }

  /** True when the table is wider than the box that holds it (the page would scroll sideways). */
  const overflowsSideways = (page: Page, testId: string): Promise<boolean> =>
    page.getByTestId(testId).evaluate((t) => t.parentElement!.scrollWidth > t.parentElement!.clientWidth);

  const row = (page: Page, v: string) => page.locator(`[data-testid=quarantine-row][data-fact-id="${idOf.get(v)}"]`);

  it.skipIf(!hasChromium)('promotes one held fact and rejects the others with a reason, each after a confirmation', async () => {
    // The Overview says facts are waiting and leads to them.
    const page = await signedInConsole(browser, b.url, E2E_ADMIN_KEY, problems);
    const waiting = page.locator('[data-testid=attention-item][data-code=quarantine_pending]');
    expect(await waiting.textContent()).toContain(`${VALUES.length} facts wait in quarantine for review.`);
    await page.getByTestId('attention-go-quarantine_pending').click();
    await page.getByTestId('quarantine-table').waitFor();
    expect(await page.getByTestId('quarantine-row').count()).toBe(VALUES.length);
    expect(await page.getByTestId('quarantine-total').textContent()).toBe(` ${VALUES.length} pending.`);
    const first = await row(page, 'alpha').locator('td').allTextContents();
    expect(first[1]).toContain('stigmem://org-a.example/claim/alpha');
    expect(first[2]).toBe('alpha');
    expect(first[3]).toContain(SOURCE);
    expect(first[4]).toMatch(/^auto-quarantine: source_trust below threshold/);
    expect(await page.getByTestId('promote-open').isDisabled()).toBe(true);

    // Promote alpha: the panel says what promotion does; cancelling changes nothing.
    await row(page, 'alpha').getByTestId('choose').check();
    await page.getByTestId('promote-open').click();
    expect(await page.getByTestId('decision-panel').textContent()).toContain('Promote 1 fact? They join this node');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('decision-panel').count()).toBe(0);
    await page.getByTestId('promote-open').click();
    await page.getByTestId('decision-confirm').click();
    await page.getByTestId('decision-outcome').filter({ hasText: '1 promoted.' }).waitFor();
    await page.getByTestId('quarantine-total').filter({ hasText: `${VALUES.length - 1} pending.` }).waitFor();
    expect(await row(page, 'alpha').count()).toBe(0);

    // Reject the rest: nothing is sent until a reason is given.
    await page.getByTestId('choose-all').check();
    await page.getByTestId('reject-open').click();
    expect(await page.getByTestId('decision-confirm').isDisabled()).toBe(true);
    await page.getByTestId('decision-reason').fill('unvetted agent, not corroborated');
    await page.getByTestId('decision-confirm').click();
    await page.getByTestId('decision-outcome').filter({ hasText: '2 rejected.' }).waitFor();
    await page.getByTestId('quarantine-empty').waitFor();
    await page.screenshot({ path: join(home, 'quarantine-decided.png'), fullPage: true });

    await page.getByTestId('view-rejected').click();
    await page.getByTestId('quarantine-row').first().waitFor();
    expect(await page.getByTestId('quarantine-row').count()).toBe(2);
    expect(await page.getByTestId('decision-reason-shown').allTextContents()).toEqual(['“unvetted agent, not corroborated”', '“unvetted agent, not corroborated”']);
    await page.getByTestId('view-promoted').click();
    await row(page, 'alpha').waitFor();

    // What the decisions did to B's facts: alpha is recalled, beta and gamma are not.
    const recalled = await adminApi(`${b.url}/v1/facts?source=${encodeURIComponent(SOURCE)}`, 'GET');
    expect((recalled.body['facts'] as { id: string }[]).map((f) => f.id)).toEqual([idOf.get('alpha')]);

    // A fact held after the screen loaded appears on Refresh.
    await page.getByTestId('view-pending').click();
    await page.getByTestId('quarantine-empty').waitFor();
    const late = await adminApi(`${a.url}/v1/facts`, 'POST', { entity: 'stigmem://org-a.example/claim/delta', relation: 'memory:status', value: { type: 'string', v: 'delta' }, source: SOURCE, scope: 'public' });
    await waitFor('B to hold the late fact', async () => ((await adminApi(`${b.url}/v1/quarantine?quarantine_status=pending`, 'GET')).body['total'] === 1 ? true : undefined), CROSSING_MS);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`[data-testid=quarantine-row][data-fact-id="${String(late.body['id'])}"]`).waitFor();
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('trusts a source by prefix after showing what the score will do, admits its next fact, and removes the override after asking', async () => {
    const page = await screenOfB('trust');
    expect(await page.getByTestId('trust-mode').textContent()).toBe('strict');
    const source = page.locator(`[data-testid=trust-row][data-source="${SOURCE}"]`);
    expect(await source.getAttribute('data-origin')).toBe('strict_unverified');
    expect(await source.getByTestId('trust-score').textContent()).toBe('0.15');
    expect(await source.getByTestId('below-threshold').count()).toBe(1);

    // An override removed elsewhere while the question was open: the refusal is shown in the panel.
    expect((await adminApi(`${b.url}/v1/federation/trust-scores/${encodeURIComponent(SOURCE)}`, 'PUT', { score: 0.5 })).status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`[data-testid=trust-row][data-source="${SOURCE}"][data-origin=override]`).waitFor();
    await source.getByTestId('trust-clear-open').click();
    const removed = await fetch(`${b.url}/v1/federation/trust-scores/${encodeURIComponent(SOURCE)}`, { method: 'DELETE', headers: { authorization: `Bearer ${E2E_ADMIN_KEY}` } });
    expect(removed.status).toBe(204);
    await page.getByTestId('trust-clear-confirm').click();
    const refusal = page.getByTestId('trust-clear-panel').getByTestId('error-notice');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('override_not_found');
    expect(await refusal.textContent()).toContain('This override is already gone');
    await page.getByRole('button', { name: 'Keep it' }).click();

    // The source must be a URI (or a prefix of one): the node would turn spaces into dashes.
    await page.getByTestId('score-source').fill('not a uri');
    expect(await page.getByTestId('score-source-error').textContent()).toContain('no spaces');
    expect(await page.getByTestId('score-save').isDisabled()).toBe(true);
    await page.getByTestId('score-source').fill('stigmem://org-a.example/agent/');
    expect(await page.getByTestId('score-source-error').count()).toBe(0);
    await page.getByTestId('score-value').fill('0.9');
    expect(await page.getByTestId('score-effect').textContent()).toContain('At or above the threshold (0.3)');
    await page.getByTestId('score-value').fill('0.2');
    expect(await page.getByTestId('score-effect').textContent()).toContain('held in quarantine');
    await page.getByTestId('score-value').fill('0.9');
    await page.getByTestId('score-note').fill(`org A agents vetted by phone ${LONG}`);
    await page.getByTestId('score-save').click();
    // What was saved, as the node keeps it (a prefix without its trailing slash).
    expect(await page.getByTestId('score-saved').textContent()).toBe('Saved: stigmem://org-a.example/agent scores 0.9.');
    const prefix = page.locator('[data-testid=trust-row][data-source="stigmem://org-a.example/agent"]');
    await prefix.waitFor();
    expect(await prefix.getAttribute('data-origin')).toBe('override');
    await page.locator(`[data-testid=trust-row][data-source="${SOURCE}"][data-origin=override]`).waitFor();
    expect(await source.getByTestId('below-threshold').count()).toBe(0);
    expect(await source.textContent()).toContain('org A agents vetted by phone');
    // The long unbroken note wraps in its cell: the table stays within its card.
    expect(await overflowsSideways(page, 'trust-table')).toBe(false);
    await page.screenshot({ path: join(home, 'trust.png'), fullPage: true });

    // A's next fact from that agent is admitted: B recalls it, nothing new is held.
    const next = await adminApi(`${a.url}/v1/facts`, 'POST', { entity: 'stigmem://org-a.example/claim/epsilon', relation: 'memory:status', value: { type: 'string', v: 'epsilon' }, source: SOURCE, scope: 'public' });
    await waitFor('B to admit the fact', async () => {
      const r = await adminApi(`${b.url}/v1/facts?entity=${encodeURIComponent('stigmem://org-a.example/claim/epsilon')}`, 'GET');
      return (r.body['facts'] as { id: string }[]).some((f) => f.id === next.body['id']) ? true : undefined;
    }, CROSSING_MS);
    expect((await adminApi(`${b.url}/v1/quarantine?quarantine_status=pending`, 'GET')).body['total']).toBe(1);

    await prefix.getByTestId('trust-clear-open').click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect(await prefix.count()).toBe(1);
    await prefix.getByTestId('trust-clear-open').click();
    await page.getByTestId('trust-clear-confirm').click();
    await page.locator(`[data-testid=trust-row][data-source="${SOURCE}"][data-origin=strict_unverified]`).waitFor();
    expect(await source.getByTestId('below-threshold').count()).toBe(1);
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('keeps every decision made in the screens in the audit log, by area, with the org as actor', async () => {
    const page = await screenOfB('audit');
    const rows = (p: Page) => p.getByTestId('event-row').evaluateAll((els) => els.map((el) => [el.getAttribute('data-category'), el.getAttribute('data-event')]));
    expect((await rows(page)).length).toBeGreaterThan(0);
    await page.getByTestId('audit-fact').click();
    await page.locator('[data-testid=event-row][data-event=quarantine_reject]').first().waitFor();
    const facts = await rows(page);
    expect(facts.every(([c]) => c === 'fact')).toBe(true);
    expect(facts.filter(([, e]) => e === 'quarantine_reject')).toHaveLength(2);
    expect(facts.filter(([, e]) => e === 'quarantine_promote')).toHaveLength(1);
    // Choosing an event's name shows only events of that type, until the filter is cleared.
    await page.locator('[data-testid=event-row][data-event=quarantine_reject]').first().getByTestId('event-type-pick').click();
    await page.getByTestId('audit-type-filter').waitFor();
    await expect.poll(() => page.locator('[data-testid=event-row]:not([data-event=quarantine_reject])').count()).toBe(0);
    expect(await rows(page)).toEqual([['fact', 'quarantine_reject'], ['fact', 'quarantine_reject']]);
    // Refreshing keeps the area and the event type chosen.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('event-row').first().waitFor();
    expect(await page.getByTestId('audit-type-filter').count()).toBe(1);
    expect(await rows(page)).toEqual([['fact', 'quarantine_reject'], ['fact', 'quarantine_reject']]);
    await page.getByTestId('audit-type-clear').click();
    await page.locator('[data-testid=event-row][data-event=quarantine_promote]').waitFor();
    expect(await rows(page)).toEqual(facts);
    await page.getByTestId('audit-admin').click();
    await page.locator('[data-testid=event-row][data-event=trust_override_removed]').first().waitFor();
    const admin = (await rows(page)).map(([, e]) => e);
    expect(admin.slice(0, 2)).toEqual(['trust_override_removed', 'trust_override_set']);
    expect(await page.locator('[data-testid=event-row][data-event=trust_override_set]').first().textContent()).toContain('stigmem://org-b.example');
    await page.close();
  });

  it.skipIf(!hasChromium)('pages through more held facts than one page shows, and says plainly when a fact was decided meanwhile', async () => {
    // Delta is still held; a hundred more from the same unvetted agent make one more than a page.
    const PAGE = 100;
    for (let i = 0; i < PAGE; i++) {
      const r = await adminApi(`${a.url}/v1/facts`, 'POST', { entity: `stigmem://org-a.example/claim/bulk-${i}`, relation: 'memory:status', value: { type: 'string', v: `bulk ${i}` }, source: SOURCE, scope: 'public' });
      expect(r.status).toBe(201);
    }
    await waitFor('B to hold them all', async () => ((await adminApi(`${b.url}/v1/quarantine?quarantine_status=pending`, 'GET')).body['total'] === PAGE + 1 ? true : undefined), CROSSING_MS);
    const page = await screenOfB('quarantine');
    expect(await page.getByTestId('quarantine-showing').textContent()).toBe(`Showing 1–${PAGE} of ${PAGE + 1} pending`);
    expect(await page.getByTestId('choose-all-label').textContent()).toBe(`all ${PAGE} shown`);
    expect(await page.getByTestId('quarantine-newer').count()).toBe(0);
    // By keyboard: the last page takes "Older" away, and focus moves to "Newer" rather than the page's body.
    await page.getByTestId('quarantine-older').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('quarantine-showing').filter({ hasText: `Showing ${PAGE + 1}–${PAGE + 1} of ${PAGE + 1} pending` }).waitFor();
    await waitForFocus(page, page.getByTestId('quarantine-newer'));
    const oldest = page.getByTestId('quarantine-row');
    expect(await oldest.count()).toBe(1);
    expect(await oldest.locator('td').nth(2).textContent()).toBe('delta');
    expect(await page.getByTestId('quarantine-older').count()).toBe(0);

    // Another moderator rejects delta while this operator is about to: theirs is left alone, in plain words.
    await oldest.getByTestId('choose').check();
    await page.getByTestId('reject-open').click();
    await page.getByTestId('decision-reason').fill('unvetted');
    const deltaId = await oldest.getAttribute('data-fact-id');
    expect((await adminApi(`${b.url}/v1/quarantine/${deltaId}/reject?reason=seen%20first`, 'POST')).status).toBe(200);
    await page.getByTestId('decision-confirm').click();
    const leftAlone = page.getByTestId('decision-refused');
    await leftAlone.waitFor();
    expect(await leftAlone.textContent()).toContain('it was already decided (by someone else, or in another window)');
    expect(await leftAlone.textContent()).not.toContain('fact_not_quarantine_pending');
    // That page is empty now: the screen steps back to the page that holds the oldest facts.
    await page.getByTestId('quarantine-showing').filter({ hasText: `Showing 1–${PAGE} of ${PAGE} pending` }).waitFor();
    await page.close();
  }, 90_000);

  it.skipIf(!hasChromium)('loaded without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
