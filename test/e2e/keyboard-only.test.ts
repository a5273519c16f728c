// The console driven by keyboard alone in a real browser (Debian's Chromium), against two real `stigmem serve`
// processes, reading what a screen reader is told: node B's operator signs in, adds and re-pins node A after confirming
// its fingerprint, reviews what B holds in quarantine, sets and removes a trust override, publishes the manifest, issues
// and revokes a token, and backs up the key and the database. Every question opens as a named dialog that takes focus,
// closes on Escape and gives focus back; field problems are tied to their fields; each screen says which it is; a skip
// link passes the header; each result is announced once, by a live region that was there before it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/http.js';
import { spawnNode, type NodeProcess } from '../helpers/process.js';
import { ensureCliBuilt, ensureRendererBuilt } from './build.js';
import { CHROMIUM_MISSING, hasChromium, launchChromium, watchPageProblems } from './chromium.js';
import { description, focusedDescription, hasVisibleFocus, headingLevels, isFocused, liveRegions, retype, tabTo, waitForAnnouncement, waitForFocus } from './keyboard.js';
import { adminApi, E2E_ADMIN_KEY, orgEnv } from './orgs.js';

if (!hasChromium) console.warn(`keyboard e2e skipped: ${CHROMIUM_MISSING}`);

const VALUES = ['alpha', 'beta', 'gamma'];
const SOURCE = 'stigmem://org-a.example/agent/unvetted';
const BOT = 'stigmem://org-a.example/agent/bot';
const PASSPHRASE = 'Four quiet Harbours 19';
const CROSSING_MS = 20_000;

describe('the console by keyboard alone', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let keyA: string;
  let browser: BrowserContext;
  let home: string;
  const dirs: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    ensureRendererBuilt();
    ensureCliBuilt();
    const orgA = orgEnv('org-a');
    keyA = orgA.key.publicKey;
    // B keeps the key it makes at first start (so the Keys screen can back it up) and holds low-trust facts.
    const { STIGMEM_FEDERATION_PRIVKEY: _priv, STIGMEM_FEDERATION_PUBKEY: _pub, ...envB } = orgEnv('org-b', { STIGMEM_TRUST_MODE: 'strict' }).env;
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'stigmem-e2e-keyboard-')));
    a = await spawnNode(orgA.env, { dir: dirs[0]! });
    b = await spawnNode(envB, { dir: dirs[1]! });
    for (const v of VALUES) {
      const r = await adminApi(`${a.url}/v1/facts`, 'POST', { entity: `stigmem://org-a.example/claim/${v}`, relation: 'memory:status', value: { type: 'string', v }, source: SOURCE, scope: 'public' });
      expect(r.status).toBe(201);
    }
    const keyB = ((await (await fetch(`${b.url}/.well-known/stigmem`)).json()) as { public_key: string }).public_key;
    expect((await adminApi(`${a.url}/v1/federation/peers`, 'POST', { peer_url: b.url, trusted_public_key: keyB })).status).toBe(201);
    home = mkdtempSync(join(tmpdir(), 'stigmem-chromium-'));
    browser = await launchChromium(home);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await a?.cleanup();
    await b?.cleanup();
    for (const d of [...dirs, home]) if (d) rmSync(d, { recursive: true, force: true });
  });

  /** B's console, signed in by typing the key and pressing Enter. */
  async function signIn(): Promise<Page> {
    const page = await browser.newPage();
    watchPageProblems(page, problems);
    await page.goto(`${b.url}/console`);
    await waitForFocus(page, page.getByTestId('admin-key-input'));
    await page.keyboard.type(E2E_ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.getByTestId('node-id').waitFor();
    return page;
  }

  /** From wherever focus is, back up to a screen's tab and open it with Enter. */
  async function open(page: Page, screen: string, label: string): Promise<void> {
    const tab = page.getByTestId(`nav-${screen}`);
    // From a screen, back up to the tab bar; from a tab, on along it.
    const isOnTabs = await page.evaluate<boolean>("!!document.activeElement?.closest('nav')");
    if (!(await isFocused(tab))) await tabTo(page, tab, { backwards: !isOnTabs, max: 150 });
    expect(await hasVisibleFocus(tab)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: label }).waitFor({ state: 'attached' });
    expect(await page.title()).toBe(`${label} · Stigmem Desktop`);
  }

  const dialog = (page: Page, name: string) => page.getByRole('alertdialog', { name });

  it.skipIf(!hasChromium)('signs in by keyboard with a refusal tied to the key field, and names each screen in its title and one h1', async () => {
    const page = await browser.newPage();
    watchPageProblems(page, problems);
    await page.goto(`${b.url}/console`);
    expect(await page.title()).toBe('Sign in · Stigmem Desktop');
    const field = page.getByRole('textbox', { name: 'Admin key' });
    await waitForFocus(page, field);
    await page.keyboard.type('not-the-admin-key');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const refusal = await description(field);
    expect(refusal.isAlert).toBe(true);
    expect(refusal.text).toContain('The admin key was not accepted');

    await retype(page, E2E_ADMIN_KEY);
    await page.keyboard.press('Enter');
    // The sign-in form is gone: focus starts at the Overview's heading rather than on the page's body.
    const overview = page.getByRole('heading', { level: 1, name: 'Overview' });
    await waitForFocus(page, overview);
    expect(await page.title()).toBe('Overview · Stigmem Desktop');
    // Refreshing keeps focus on the button while it works.
    const refresh = page.getByRole('button', { name: 'Refresh' });
    await tabTo(page, refresh, { backwards: true });
    await Promise.all([page.waitForResponse((r) => r.url().includes('/console/api/')), page.keyboard.press('Enter')]);
    await page.getByRole('button', { name: 'Refresh', exact: true }).waitFor();
    expect(await isFocused(refresh), await focusedDescription(page)).toBe(true);

    // Every screen: one h1 naming it, then h2s (and h3s) without a level skipped; the tab says it is the current one.
    for (const [screen, label] of [['facts', 'Facts'], ['keys', 'Keys'], ['manifest', 'Manifest'], ['peers', 'Peers'], ['trust', 'Trust'], ['quarantine', 'Quarantine'], ['tokens', 'Tokens'], ['data', 'Data'], ['audit', 'Audit']] as const) {
      await open(page, screen, label);
      // Focus stays on the tab just chosen; a status line says which screen it opened.
      expect(await isFocused(page.getByTestId(`nav-${screen}`))).toBe(true);
      expect(await page.getByTestId(`nav-${screen}`).getAttribute('aria-current')).toBe('page');
      expect(await page.getByTestId('screen-announcer').textContent()).toBe(`${label} screen`);
      await page.locator('main h2').first().waitFor();
      const levels = await headingLevels(page);
      expect(levels.filter((l) => l === 1), `${screen}: ${levels.join(',')}`).toHaveLength(1);
      expect(levels[0], screen).toBe(1);
      expect(levels.every((l, i) => i === 0 || l <= levels[i - 1]! + 1), `${screen}: ${levels.join(',')}`).toBe(true);
    }
    await page.screenshot({ path: join(home, 'keyboard-nav.png') });
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('skips the header by its first stop, a link shown when focused that moves focus to the screen', async () => {
    const page = await signIn();
    await open(page, 'trust', 'Trust');
    // The first thing Tab reaches on the page, just before the tabs; out of sight until then.
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await page.evaluate("document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')?.textContent")).toBe('Skip to content');
    expect(await skip.isVisible()).toBe(true);
    const offScreen = await skip.boundingBox();
    expect(offScreen === null || offScreen.y + offScreen.height <= 0).toBe(true);
    await tabTo(page, page.getByTestId('nav-overview'), { backwards: true });
    await page.keyboard.press('Shift+Tab');
    expect(await isFocused(skip), await focusedDescription(page)).toBe(true);
    expect(await hasVisibleFocus(skip)).toBe(true);
    const shown = await skip.boundingBox();
    expect(shown !== null && shown.y >= 0 && shown.width > 20 && shown.height > 10).toBe(true);
    await page.screenshot({ path: join(home, 'keyboard-skip-link.png') });
    // Enter moves focus to the screen's heading; the next Tab is in the screen, past the header.
    await page.keyboard.press('Enter');
    await waitForFocus(page, page.getByRole('heading', { level: 1, name: 'Trust' }));
    await page.keyboard.press('Tab');
    expect(await page.evaluate<boolean>("!!document.activeElement?.closest('main')"), await focusedDescription(page)).toBe(true);
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('adds node A by keyboard after confirming its fingerprint, re-pins it, and keeps it when the removal question is escaped', async () => {
    const page = await signIn();
    await open(page, 'peers', 'Peers');
    await tabTo(page, page.getByRole('textbox', { name: 'Peer URL' }));
    await page.keyboard.type(a.url);
    await page.keyboard.press('Tab');
    const keyField = page.getByRole('textbox', { name: 'Its federation public key' });
    expect(await isFocused(keyField)).toBe(true);
    // A mistyped key: the field says it is invalid, described by the message, which is announced.
    await page.keyboard.type('not-a-key');
    await page.getByTestId('peer-key-error').waitFor();
    expect(await keyField.getAttribute('aria-invalid')).toBe('true');
    expect(await description(keyField)).toEqual({ text: 'That is not a 32-byte Ed25519 public key in base64url (43 characters).', isAlert: true });
    await retype(page, keyA);
    await page.getByTestId('key-check').waitFor();
    expect(await keyField.getAttribute('aria-invalid')).toBeNull();
    // Nothing is pinned until the fingerprint is confirmed, by Space on its checkbox.
    const confirm = page.getByRole('checkbox', { name: 'The fingerprint matches, group for group' });
    await tabTo(page, confirm);
    expect(await hasVisibleFocus(confirm)).toBe(true);
    await page.keyboard.press('Space');
    expect(await confirm.isChecked()).toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Pin this key and add the peer' }));
    const quiet = await liveRegions(page);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=peer-added][data-status=active]').waitFor();
    await waitForAnnouncement(page, quiet, `Added ${a.url}: its live key matches the pin`);
    // The button went disabled while the node checked the peer: focus stayed in the form, on its first field.
    expect(await isFocused(page.getByRole('textbox', { name: 'Peer URL' })), await focusedDescription(page)).toBe(true);

    // Re-pin: the row's button names its peer; the panel takes focus at its key field; Escape closes it, focus returns.
    const repin = page.getByRole('button', { name: `Re-pin… ${a.url}` });
    await tabTo(page, repin);
    expect(await hasVisibleFocus(repin)).toBe(true);
    await page.keyboard.press('Enter');
    const repinKey = page.getByRole('group', { name: `Re-pin ${a.url}` }).getByRole('textbox');
    await waitForFocus(page, repinKey);
    await page.keyboard.press('Escape');
    await waitForFocus(page, repin);
    expect(await page.getByTestId('repin-panel').count()).toBe(0);
    await page.keyboard.press('Enter');
    await waitForFocus(page, repinKey);
    await page.keyboard.type(keyA);
    const repinConfirm = page.getByTestId('repin-panel').getByRole('checkbox', { name: 'The fingerprint matches, group for group' });
    await tabTo(page, repinConfirm);
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Pin the new key' }));
    await page.keyboard.press('Enter');
    // Done: the panel closes and focus is back on the button that opened it.
    await waitForFocus(page, repin);
    expect(await page.getByTestId('repin-panel').count()).toBe(0);

    // Removing asks in an alert dialog that names the peer, takes focus on "Keep it", and says what removal does.
    const remove = page.getByRole('button', { name: `Remove… ${a.url}` });
    await tabTo(page, remove);
    await page.keyboard.press('Enter');
    const question = dialog(page, `Remove ${a.url}`);
    await waitForFocus(page, question.getByRole('button', { name: 'Keep it' }));
    expect(await question.getAttribute('aria-describedby')).not.toBeNull();
    expect(await description(question)).toMatchObject({ text: expect.stringContaining(`Stop replicating with ${a.url}?`) });
    await page.screenshot({ path: join(home, 'keyboard-remove-dialog.png') });
    await page.keyboard.press('Escape');
    await waitForFocus(page, remove);
    expect(await question.count()).toBe(0);
    expect(await page.getByTestId('peer-row').count()).toBe(1);
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('chooses held facts with Space, promotes one and rejects the rest with a reason, each in a dialog that takes focus', async () => {
    await waitFor('B to hold what A sent', async () => ((await adminApi(`${b.url}/v1/quarantine?quarantine_status=pending`, 'GET')).body['total'] === VALUES.length ? true : undefined), CROSSING_MS);
    const page = await signIn();
    await open(page, 'quarantine', 'Quarantine');
    await page.getByTestId('quarantine-table').waitFor();
    // Which facts are shown is a group of toggle buttons, the chosen one pressed.
    const views = page.getByRole('group', { name: 'Which facts' });
    expect(await views.getByRole('button', { name: 'pending' }).getAttribute('aria-pressed')).toBe('true');
    expect(await views.getByRole('button', { name: 'rejected' }).getAttribute('aria-pressed')).toBe('false');

    const alpha = page.getByRole('checkbox', { name: 'Choose stigmem://org-a.example/claim/alpha memory:status' });
    await tabTo(page, alpha);
    expect(await hasVisibleFocus(alpha)).toBe(true);
    await page.keyboard.press('Space');
    const promote = page.getByRole('button', { name: 'Promote…' });
    await tabTo(page, promote, { backwards: true });
    await page.keyboard.press('Enter');
    const promoting = dialog(page, 'Promote 1 fact');
    await waitForFocus(page, promoting.getByRole('textbox', { name: 'Reason (optional)' }));
    await page.keyboard.press('Escape');
    await waitForFocus(page, promote);
    expect(await promoting.count()).toBe(0);
    await page.keyboard.press('Enter');
    await waitForFocus(page, promoting.getByRole('textbox', { name: 'Reason (optional)' }));
    await page.keyboard.type('corroborated by phone');
    await tabTo(page, promoting.getByRole('button', { name: 'Promote 1' }));
    const quiet = await liveRegions(page);
    await page.keyboard.press('Enter');
    // The chosen facts and their buttons are gone: focus goes to the outcome, which says what was done.
    await waitForFocus(page, page.getByTestId('decision-outcome').filter({ hasText: '1 promoted.' }));
    await waitForAnnouncement(page, quiet, '1 promoted.');

    await tabTo(page, page.getByRole('checkbox', { name: `all ${VALUES.length - 1} shown` }));
    await page.keyboard.press('Space');
    const reject = page.getByRole('button', { name: 'Reject…' });
    await tabTo(page, reject, { backwards: true });
    await page.keyboard.press('Enter');
    const rejecting = dialog(page, 'Reject 2 facts');
    await waitForFocus(page, rejecting.getByRole('textbox', { name: 'Reason (required)' }));
    expect(await rejecting.getByRole('button', { name: 'Reject 2' }).isDisabled()).toBe(true);
    await page.keyboard.type('unvetted agent');
    await tabTo(page, rejecting.getByRole('button', { name: 'Reject 2' }));
    const afterPromoting = await liveRegions(page);
    await page.keyboard.press('Enter');
    await waitForFocus(page, page.getByTestId('decision-outcome').filter({ hasText: '2 rejected.' }));
    await waitForAnnouncement(page, afterPromoting, '2 rejected.');
    await page.getByTestId('quarantine-empty').waitFor();
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('sets a trust override with its problems tied to the fields, and removes it in a dialog that Escape cancels', async () => {
    const page = await signIn();
    await open(page, 'trust', 'Trust');
    const source = page.getByRole('textbox', { name: 'Source URI, or a prefix for every source under it' });
    await tabTo(page, source);
    await page.keyboard.type('not a uri');
    await page.getByTestId('score-source-error').waitFor();
    expect(await source.getAttribute('aria-invalid')).toBe('true');
    expect((await description(source)).text).toContain('no spaces');
    await retype(page, 'stigmem://org-a.example/agent/');
    expect(await source.getAttribute('aria-invalid')).toBeNull();
    await page.keyboard.press('Tab');
    const score = page.getByRole('spinbutton', { name: 'Score (0 to 1)' });
    expect(await isFocused(score)).toBe(true);
    await retype(page, '2');
    expect(await score.getAttribute('aria-invalid')).toBe('true');
    expect(await description(score)).toEqual({ text: 'A score is a number from 0 to 1.', isAlert: true });
    await retype(page, '0.9');
    await tabTo(page, page.getByRole('button', { name: 'Set this score' }));
    const quiet = await liveRegions(page);
    await page.keyboard.press('Enter');
    await page.getByTestId('score-saved').waitFor();
    await waitForAnnouncement(page, quiet, 'scores 0.9.');

    const prefix = 'stigmem://org-a.example/agent';
    const clear = page.getByRole('button', { name: `Remove override… of ${prefix}` });
    await tabTo(page, clear);
    await page.keyboard.press('Enter');
    const question = dialog(page, `Remove the override of ${prefix}`);
    await waitForFocus(page, question.getByRole('button', { name: 'Keep it' }));
    await page.keyboard.press('Escape');
    await waitForFocus(page, clear);
    await page.keyboard.press('Enter');
    await tabTo(page, question.getByRole('button', { name: 'Remove override' }));
    await page.keyboard.press('Enter');
    // The override and its button are gone: focus goes to the Sources card's heading.
    await waitForFocus(page, page.getByRole('heading', { level: 2, name: 'Sources' }));
    expect(await page.locator(`[data-testid=trust-row][data-source="${prefix}"]`).count()).toBe(0);
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('publishes the manifest, issues a token shown ready to copy, and revokes it with a reason, each question a dialog', async () => {
    const page = await signIn();
    await open(page, 'manifest', 'Manifest');
    const publish = page.getByRole('button', { name: 'Sign and publish…' });
    await tabTo(page, publish);
    await page.keyboard.press('Enter');
    const publishing = dialog(page, 'Publish the manifest');
    await waitForFocus(page, publishing.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Escape');
    // The button that asked was replaced by the question; focus goes to the one shown again.
    await waitForFocus(page, publish);
    await page.keyboard.press('Enter');
    await tabTo(page, publishing.getByRole('button', { name: 'Sign and publish' }));
    await page.keyboard.press('Enter');
    await page.getByTestId('manifest-current').waitFor();
    await waitForFocus(page, page.getByRole('heading', { level: 2, name: 'Publish an update' }));

    await open(page, 'tokens', 'Tokens');
    const subject = page.getByRole('textbox', { name: 'Subject: who may use it' });
    await tabTo(page, subject);
    await page.keyboard.type(BOT);
    await page.keyboard.press('Tab');
    const object = page.getByRole('textbox', { name: 'Object: what it may write under' });
    await page.keyboard.type('scope:public');
    await page.getByTestId('issue-problem').waitFor();
    expect(await object.getAttribute('aria-invalid')).toBe('true');
    expect(await subject.getAttribute('aria-invalid')).toBeNull();
    expect((await description(object)).isAlert).toBe(true);
    await retype(page, 'stigmem://facts/scope:public');
    expect(await object.getAttribute('aria-invalid')).toBeNull();
    const issue = page.getByRole('button', { name: 'Issue and sign…' });
    await tabTo(page, issue);
    await page.keyboard.press('Enter');
    const signing = dialog(page, 'Sign the write token');
    await waitForFocus(page, signing.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Escape');
    await waitForFocus(page, issue);
    await page.keyboard.press('Enter');
    await tabTo(page, signing.getByRole('button', { name: 'Sign the token' }));
    const quiet = await liveRegions(page);
    await page.keyboard.press('Enter');
    // The token, labelled, takes focus with its text selected: Ctrl+C copies it.
    const token = page.getByRole('textbox', { name: 'The signed token' });
    await waitForFocus(page, token);
    const selected = await token.evaluate((t) => {
      const area = t as unknown as { selectionStart: number; selectionEnd: number };
      return area.selectionEnd - area.selectionStart;
    });
    expect(selected).toBe((await token.inputValue()).length);
    await waitForAnnouncement(page, quiet, `Token issued to ${BOT}, valid until`);

    const revoke = page.getByRole('button', { name: `Revoke… the token of ${BOT}` });
    await tabTo(page, revoke);
    await page.keyboard.press('Enter');
    const revoking = dialog(page, `Revoke the token of ${BOT}`);
    const reason = revoking.getByRole('textbox', { name: 'Reason (required; published with the revocation)' });
    await waitForFocus(page, reason);
    await page.keyboard.press('Escape');
    await waitForFocus(page, revoke);
    await page.keyboard.press('Enter');
    await waitForFocus(page, reason);
    await page.keyboard.type('handed to the wrong agent');
    await tabTo(page, revoking.getByRole('button', { name: 'Revoke token' }));
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=token-row][data-status=revoked]').waitFor();
    await waitForFocus(page, page.getByRole('heading', { level: 2, name: 'Tokens this node issued' }));
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('backs up the key and the database by keyboard, passphrase problems tied to their fields', async () => {
    const page = await signIn();
    await open(page, 'keys', 'Keys');
    const path = join(dirs[1]!, 'org-key.backup');
    await tabTo(page, page.getByRole('textbox', { name: 'Backup file (full path)' }));
    await retype(page, path);
    await page.keyboard.press('Tab');
    const passphrase = page.getByLabel('Passphrase (at least 12 characters, mixed)');
    expect(await isFocused(passphrase)).toBe(true);
    await page.keyboard.type('password1234');
    await page.getByTestId('backup-weak').waitFor();
    expect(await passphrase.getAttribute('aria-invalid')).toBe('true');
    expect(await description(passphrase)).toMatchObject({ text: expect.stringContaining('Too weak'), isAlert: true });
    await retype(page, PASSPHRASE);
    expect(await passphrase.getAttribute('aria-invalid')).toBeNull();
    await page.keyboard.press('Tab');
    const repeat = page.getByLabel('The passphrase again');
    await page.keyboard.type(`${PASSPHRASE}!`);
    expect(await repeat.getAttribute('aria-invalid')).toBe('true');
    expect(await description(repeat)).toEqual({ text: 'The two passphrases differ.', isAlert: true });
    await retype(page, PASSPHRASE);
    const open_ = page.getByRole('button', { name: 'Back up…' });
    await tabTo(page, open_);
    await page.keyboard.press('Enter');
    const writing = dialog(page, 'Write the backup');
    await waitForFocus(page, writing.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Escape');
    await waitForFocus(page, open_);
    await page.keyboard.press('Enter');
    await tabTo(page, writing.getByRole('button', { name: 'Write the backup' }));
    const quiet = await liveRegions(page);
    await page.keyboard.press('Enter');
    await page.getByTestId('backup-done').waitFor({ timeout: 30_000 });
    await waitForAnnouncement(page, quiet, `Key backup written and verified: ${path}.`);
    expect(statSync(path).size).toBeGreaterThan(0);

    await open(page, 'data', 'Data');
    // Refused (no such folder): the question stays with the refusal in it, and so does focus.
    await tabTo(page, page.getByTestId('data-backup-path'));
    await retype(page, join(dirs[1]!, 'no-such-folder', 'node.backup.db'));
    const backUp = page.getByTestId('data-backup-open');
    await tabTo(page, backUp);
    await page.keyboard.press('Enter');
    const copying = dialog(page, 'Write the database backup');
    await tabTo(page, copying.getByRole('button', { name: 'Write the backup' }));
    await page.keyboard.press('Enter');
    await copying.getByRole('alert').waitFor();
    await page.waitForFunction((d) => d !== null && d.contains(d.ownerDocument.activeElement), await copying.elementHandle());
    await page.keyboard.press('Escape');
    await waitForFocus(page, backUp);

    const dbPath = join(dirs[1]!, 'node.backup.db');
    await tabTo(page, page.getByTestId('data-backup-path'), { backwards: true });
    await retype(page, dbPath);
    await tabTo(page, backUp);
    await page.keyboard.press('Enter');
    await waitForFocus(page, copying.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Escape');
    await waitForFocus(page, backUp);
    await page.keyboard.press('Enter');
    await tabTo(page, copying.getByRole('button', { name: 'Write the backup' }));
    const beforeCopy = await liveRegions(page);
    await page.keyboard.press('Enter');
    await page.getByTestId('data-backup-done').waitFor({ timeout: 30_000 });
    await waitForAnnouncement(page, beforeCopy, 'Database backup written');
    expect(statSync(dbPath).size).toBeGreaterThan(0);
    // Focus did not drop to the page's body when the question closed.
    expect(await focusedDescription(page)).not.toBe('the body');
    await page.close();
  }, 90_000);

  it.skipIf(!hasChromium)('marks refusals in the audit log by a sign and words, not by colour alone', async () => {
    const page = await signIn();
    await open(page, 'audit', 'Audit');
    // The area is chosen among toggle buttons, by Tab and Enter.
    const areas = page.getByRole('group', { name: 'Which events' });
    expect(await areas.getByRole('button', { name: 'all' }).getAttribute('aria-pressed')).toBe('true');
    const federation = areas.getByRole('button', { name: 'federation' });
    await tabTo(page, federation);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=event-row][data-category=federation]').first().waitFor();
    expect(await federation.getAttribute('aria-pressed')).toBe('true');
    expect(await areas.getByRole('button', { name: 'all' }).getAttribute('aria-pressed')).toBe('false');
    // A pulled from B before B's operator added it: B refused its token. Seen as "!", heard as words.
    const refused = page.locator('[data-testid=event-row][data-event=rejected_token]').first().getByRole('button', { name: 'refused or failed: rejected_token', exact: true });
    expect(await refused.locator('[aria-hidden=true]').textContent()).toBe('!');
    const routine = page.locator('[data-testid=event-row][data-event=peer_registered]').first().getByRole('button', { name: 'peer_registered', exact: true });
    expect(await routine.locator('[aria-hidden=true]').count()).toBe(0);
    // Its name is a button that shows only events of that type.
    await tabTo(page, refused);
    expect(await hasVisibleFocus(refused)).toBe(true);
    await page.screenshot({ path: join(home, 'keyboard-audit.png') });
    await page.keyboard.press('Enter');
    await page.getByTestId('audit-type-filter').filter({ hasText: 'rejected_token' }).waitFor();

    // The whole log, older pages loaded by Enter until there are none: focus then rests on the last row, not the body.
    await tabTo(page, page.getByTestId('audit-type-clear'), { backwards: true });
    await page.keyboard.press('Enter');
    await tabTo(page, areas.getByRole('button', { name: 'all' }), { backwards: true });
    await page.keyboard.press('Enter');
    const older = page.getByTestId('audit-older');
    await older.waitFor();
    let pages = 1;
    for (; (await older.count()) > 0 && pages < 20; pages++) {
      const shown = await page.getByTestId('event-row').count();
      await tabTo(page, older);
      await page.keyboard.press('Enter');
      await page.getByTestId('event-row').nth(shown).waitFor();
    }
    expect(pages).toBeGreaterThan(1);
    await older.waitFor({ state: 'detached' });
    await waitForFocus(page, page.getByTestId('event-row').last().getByTestId('event-type-pick'));
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('loaded without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
