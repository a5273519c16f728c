// Debian's Chromium for the browser tests: where it is, whether it is there, and a headless profile in a private home.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const CHROMIUM_MISSING = `${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium fonts-liberation)`;

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `ignoreHTTPSErrors`: for a node serving HTTPS under a test CA the browser does not know. */
export function launchChromium(home: string, opts: { ignoreHTTPSErrors?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(home, 'profile'), {
    ...(opts.ignoreHTTPSErrors ? { ignoreHTTPSErrors: true } : {}),
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    // Chromium writes crash-report folders under ~/.config otherwise.
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
    viewport: { width: 1280, height: 900 },
  });
}

/** Collect the page's script errors and CSP refusals into `problems`. */
export function watchPageProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
}

/** Open the console of the node at `nodeUrl` in a new page and sign in with `adminKey`. */
export async function signedInConsole(browser: BrowserContext, nodeUrl: string, adminKey: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage();
  watchPageProblems(page, problems);
  await page.goto(`${nodeUrl}/console`);
  await page.getByTestId('admin-key-input').fill(adminKey);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('node-id').waitFor();
  return page;
}
