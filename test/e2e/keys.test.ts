// The Keys and Data screens in a real browser (Debian's Chromium) against a real `stigmem serve` whose key is in its own
// store: the identity with a QR code of its public bundle; a backup refused for a weak or mistyped passphrase, written
// after confirming, opened again with the passphrase; the ceremony record (begun at first start) gaining its signed line;
// a second write refused; a manifest signed to a file for the node that publishes it; and a database backup, read back
// before a restore.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openBackupPublicKey, parseBackupFile } from '../../src/main/node/ceremony/backupFile.js';
import { CHROMIUM_MISSING, hasChromium, signedInConsole } from './chromium.js';
import { E2E_ADMIN_KEY } from './orgs.js';
import { servedNodeAndBrowser } from './suite.js';

if (!hasChromium) console.warn(`keys e2e skipped: ${CHROMIUM_MISSING}`);

const ORG = 'stigmem://org-a.example';
const PASSPHRASE = 'Four quiet Harbours 19';
/** The ceremony record's steps as the Keys screen lists them, newest first. */
const recordSteps = async (page: Page): Promise<(string | null)[]> => Promise.all((await page.getByTestId('record-steps').locator('tbody tr').all()).map((r) => r.getAttribute('data-step')));

describe('the Keys screen', () => {
  const s = servedNodeAndBrowser('keys', (dir) => ({ STIGMEM_ADMIN_KEY: E2E_ADMIN_KEY, STIGMEM_ENTITY_URI: ORG, STIGMEM_DB_PATH: join(dir, 'data', 'node.db'), STIGMEM_KEY_STORE: 'file' }));

  async function keysScreen(): Promise<Page> {
    const page = await signedInConsole(s.browser, s.node.url, E2E_ADMIN_KEY, s.problems);
    await page.getByTestId('nav-keys').click();
    await page.getByTestId('keys-screen').waitFor();
    return page;
  }

  it.skipIf(!hasChromium)('shows the identity and its QR code, and writes a verified backup only with a strong passphrase typed twice, after confirming', async () => {
    // The Overview asks for a backup of a key that has none, and leads to the Keys screen.
    const page = await signedInConsole(s.browser, s.node.url, E2E_ADMIN_KEY, s.problems);
    await page.locator('[data-testid=attention-item][data-code=key_never_backed_up]').waitFor();
    await page.getByTestId('attention-go-key_never_backed_up').click();
    await page.getByTestId('keys-screen').waitFor();
    const wellKnown = (await (await fetch(`${s.node.url}/.well-known/stigmem`)).json()) as { public_key: string };
    expect(await page.getByTestId('keys-public-key').textContent()).toBe(wellKnown.public_key);
    expect(Number(await page.getByTestId('identity-qr').getAttribute('data-modules'))).toBeGreaterThan(200);
    // The record the node began when it made the key at first start: one signed step, and no backup in it yet.
    await page.getByTestId('record-verified').waitFor();
    expect(await recordSteps(page)).toEqual(['init']);
    await page.getByTestId('backup-none').waitFor();
    // A served console cannot stop its own node: rotation is the CLI's (or the desktop's) to do.
    expect(await page.getByTestId('rotate-elsewhere').textContent()).toContain('stigmem identity rotate-key');

    const path = join(s.dir, 'org-key.backup');
    await page.getByTestId('backup-path-input').fill(path);
    await page.getByTestId('backup-passphrase').fill('password1234');
    expect(await page.getByTestId('backup-weak').textContent()).toContain('well-known weak passphrase');
    expect(await page.getByTestId('backup-open').isDisabled()).toBe(true);
    await page.getByTestId('backup-passphrase').fill(PASSPHRASE);
    expect(await page.getByTestId('backup-weak').count()).toBe(0);
    await page.getByTestId('backup-repeat').fill(`${PASSPHRASE}!`);
    await page.getByTestId('backup-mismatch').waitFor();
    expect(await page.getByTestId('backup-open').isDisabled()).toBe(true);
    await page.getByTestId('backup-repeat').fill(PASSPHRASE);
    await page.getByTestId('backup-open').click();
    expect(await page.getByTestId('backup-confirm-panel').textContent()).toContain(path);
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(() => statSync(path)).toThrow();

    await page.getByTestId('backup-open').click();
    await page.getByTestId('backup-confirm').click();
    await page.getByTestId('backup-done').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('backup-path').textContent()).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await openBackupPublicKey(parseBackupFile(readFileSync(path, 'utf8')), PASSPHRASE)).toBe(wellKnown.public_key);
    // The form forgets the passphrase once the backup is written.
    expect(await page.getByTestId('backup-passphrase').inputValue()).toBe('');
    await page.getByTestId('record-verified').waitFor();
    await page.getByTestId('backup-last').waitFor();
    expect(await recordSteps(page)).toEqual(['backup', 'init']);

    // The same path again, without asking to replace: refused in the operator's words, the first file kept.
    const before = readFileSync(path, 'utf8');
    await page.getByTestId('backup-passphrase').fill(PASSPHRASE);
    await page.getByTestId('backup-repeat').fill(PASSPHRASE);
    await page.getByTestId('backup-open').click();
    await page.getByTestId('backup-confirm').click();
    const refused = page.getByTestId('backup-confirm-panel').getByTestId('error-notice');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.getAttribute('data-code')).toBe('file_exists');
    expect(readFileSync(path, 'utf8')).toBe(before);
    await page.screenshot({ path: join(s.home, 'keys.png'), fullPage: true });
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('key-backup-last').waitFor();
    expect(await page.locator('[data-testid=attention-item][data-code=key_never_backed_up]').count()).toBe(0);
    expect(s.problems).toEqual([]);
  });

  it.skipIf(!hasChromium)('signs a manifest to a file for another node to publish, publishing nothing here', async () => {
    const page = await keysScreen();
    await page.getByTestId('nav-manifest').click();
    await page.getByTestId('export-form').waitFor();
    const path = join(s.dir, 'manifest-for-the-online-node.json');
    await page.getByTestId('export-entities').fill(`${ORG}\n${ORG}/agent/assistant`);
    await page.getByTestId('export-path-input').fill(path);
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-done').waitFor();
    expect(await page.getByTestId('export-path').textContent()).toBe(path);
    const signed = JSON.parse(readFileSync(path, 'utf8')) as { entity_uri: string; entities: string[]; signature: string };
    expect(signed).toMatchObject({ entity_uri: ORG, entities: [ORG, `${ORG}/agent/assistant`] });
    expect(await page.getByTestId('manifest-none').count()).toBe(1);
    expect(s.problems).toEqual([]);
  });

  it.skipIf(!hasChromium)('backs the database up while the node runs, reads a backup back, and leaves its restore to the CLI', async () => {
    // The Overview says the database was never backed up, and leads to the Data screen.
    const page = await signedInConsole(s.browser, s.node.url, E2E_ADMIN_KEY, s.problems);
    await page.locator('[data-testid=attention-item][data-code=database_never_backed_up]').waitFor();
    await page.getByTestId('attention-go-database_never_backed_up').click();
    await page.getByTestId('data-backup-never').waitFor();
    await page.getByTestId('data-automatic-off').waitFor();
    const path = join(s.dir, 'node-data.sqlite');
    await page.getByTestId('data-backup-path').fill(path);
    await page.getByTestId('data-backup-open').click();
    expect(await page.getByTestId('data-backup-confirm-panel').textContent()).toContain(path);
    await page.getByTestId('data-backup-confirm').click();
    await page.getByTestId('data-backup-done').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('data-info-path').textContent()).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await page.getByTestId('data-last-backup').filter({ hasText: path }).waitFor();
    expect(await page.getByTestId('data-backup-never').count()).toBe(0);

    // The same file again without asking to replace it: refused, the first copy kept.
    const first = readFileSync(path);
    await page.getByTestId('data-backup-open').click();
    await page.getByTestId('data-backup-confirm').click();
    const refused = page.getByTestId('data-backup-confirm-panel').getByTestId('error-notice');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('file_exists');
    expect(readFileSync(path).equals(first)).toBe(true);

    // A file that is not a backup is named as such; the backup is read back, and the served console names the CLI steps.
    writeFileSync(join(s.dir, 'notes.txt'), 'not a database');
    await page.getByTestId('data-inspect-path').fill(join(s.dir, 'notes.txt'));
    await page.getByTestId('data-inspect-go').click();
    const notBackup = page.getByTestId('data-screen').getByTestId('error-notice').filter({ hasText: 'not a readable Stigmem backup' });
    await notBackup.waitFor();
    expect(await notBackup.getAttribute('data-code')).toBe('backup_invalid');
    await page.getByTestId('data-inspect-path').fill(path);
    await page.getByTestId('data-inspect-go').click();
    await page.getByTestId('data-inspected').waitFor();
    expect(await page.getByTestId('data-inspected').getByTestId('data-info-path').textContent()).toBe(path);
    expect(await page.getByTestId('data-restore-elsewhere').textContent()).toContain(`stigmem data restore ${path}`);

    // A sealed backup is opened with its passphrase here too, to show what it holds, before the CLI steps are named.
    const sealed = join(s.dir, 'node-data-sealed.sqlite');
    const passphrase = 'Granite-Orchard-7-Lantern';
    await page.getByTestId('data-backup-path').fill(sealed);
    await page.getByTestId('data-backup-seal').check();
    await page.getByTestId('data-backup-passphrase').fill(passphrase);
    await page.getByTestId('data-backup-repeat').fill(passphrase);
    await page.getByTestId('data-backup-open').click();
    await page.getByTestId('data-backup-confirm').click();
    await page.getByTestId('data-backup-done').waitFor({ timeout: 30_000 });
    await page.getByTestId('data-inspect-path').fill(sealed);
    await page.getByTestId('data-inspect-go').click();
    await page.getByTestId('data-open-form').waitFor();
    expect(await page.getByTestId('data-restore-elsewhere').count()).toBe(0);
    await page.getByTestId('data-open-passphrase').fill(passphrase);
    await page.getByTestId('data-open-go').click();
    await page.getByTestId('data-restore-elsewhere').waitFor();
    expect(await page.getByTestId('data-restore-elsewhere').textContent()).toContain(`stigmem data restore ${sealed} in its folder (it asks for the passphrase`);
    const opened = page.getByTestId('data-inspected');
    expect(await opened.getByTestId('data-info-sealed').textContent()).toBe('yes, under a passphrase');
    expect(await opened.getByTestId('data-info-facts').textContent()).toBe(await page.getByTestId('data-backup-done').getByTestId('data-info-facts').textContent());

    // Automatic backups, turned on here: the first is taken at once into the folder; then turned off again.
    const auto = join(s.dir, 'automatic');
    await page.getByTestId('data-automatic-dir').fill(auto);
    await page.getByTestId('data-automatic-interval').selectOption('360');
    // A count it cannot keep is said, and Save waits for a good one.
    await page.getByTestId('data-automatic-keep').fill('0');
    expect(await page.getByTestId('data-automatic-keep-error').textContent()).toContain('from 1 to');
    expect(await page.getByTestId('data-automatic-save').isDisabled()).toBe(true);
    await page.getByTestId('data-automatic-keep').fill('3');
    expect(await page.getByTestId('data-automatic-keep-error').count()).toBe(0);
    await page.getByTestId('data-automatic-save').click();
    expect(await page.getByTestId('data-automatic').textContent()).toContain('Every 6 hours');
    // The copy is written under a temporary name and renamed when whole.
    const isDone = (f: string): boolean => /^stigmem-data-[0-9TZ-]+\.sqlite$/.test(f);
    while (!existsSync(auto) || !readdirSync(auto).some(isDone)) await new Promise((r) => setTimeout(r, 50));
    // Offered for a restore once taken: read from the list.
    // (listed once the schedule has looked at its folder after writing: refresh until then)
    while ((await page.getByTestId('data-automatic-read').count()) === 0) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.getByTestId('data-automatic-read').first().click();
    await page.getByTestId('data-inspected').getByTestId('data-info-path').filter({ hasText: auto }).waitFor();
    await page.screenshot({ path: join(s.home, 'data.png'), fullPage: true });
    // Turning them off asks first; keeping them on changes nothing.
    await page.getByTestId('data-automatic-off-open').click();
    expect(await page.getByTestId('data-automatic-off-panel').textContent()).toContain(`Turn off automatic backups? The node stops backing itself up into ${auto}`);
    await page.getByRole('button', { name: 'Keep them on' }).click();
    expect(await page.getByTestId('data-automatic').count()).toBe(1);
    await page.getByTestId('data-automatic-off-open').click();
    await page.getByTestId('data-automatic-off-go').click();
    await page.getByTestId('data-automatic-off').waitFor();
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('data-backup-last').waitFor();
    expect(await page.locator('[data-testid=attention-item][data-code=database_never_backed_up]').count()).toBe(0);
    expect(s.problems).toEqual([]);
  });
});
