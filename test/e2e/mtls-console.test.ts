// The console of a node serving mTLS, in a real browser (Debian's Chromium) over HTTPS without a client certificate (the
// operator's admin key authenticates it): the Overview names the transport and what the certificate names, and warns
// that the certificate ends within days; the Peers screen tells the other operator what their certificate must name.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCert, makeCa, opensslMissing } from '../helpers/certs.js';
import { freePort, spawnNode, type NodeProcess } from '../helpers/process.js';
import { ensureCliBuilt, ensureRendererBuilt } from './build.js';
import { CHROMIUM_MISSING, hasChromium, launchChromium, signedInConsole } from './chromium.js';
import { E2E_ADMIN_KEY, orgEnv } from './orgs.js';

const noOpenssl = opensslMissing();
const missing = !hasChromium ? CHROMIUM_MISSING : noOpenssl;
if (missing) console.warn(`mTLS console e2e skipped: ${missing}`);

describe.skipIf(missing !== null)('the console of an mTLS node', () => {
  let node: NodeProcess;
  let browser: BrowserContext;
  let dir: string;
  let url: string;
  const id = `stigmem:node:${randomBytes(16).toString('hex')}`;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'stigmem-e2e-mtls-'));
    // The CA outlives the certificate, which has two days left: the Overview is to name the certificate.
    const ca = makeCa(dir, 'ca', 400);
    const cert = issueCert(dir, ca, 'node', [id], 2);
    const port = await freePort();
    url = `https://127.0.0.1:${port}`;
    node = await spawnNode({
      ...orgEnv('org-a').env, STIGMEM_PORT: String(port), STIGMEM_NODE_URL: url, STIGMEM_NODE_ID: id,
      STIGMEM_TLS_CERT_PATH: cert.certPath, STIGMEM_TLS_KEY_PATH: cert.keyPath, STIGMEM_TLS_CA_BUNDLE: ca.certPath,
    }, { dir: mkdtempSync(join(dir, 'node-')) });
    browser = await launchChromium(mkdtempSync(join(dir, 'home-')), { ignoreHTTPSErrors: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await node?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows mTLS and the certificate on the Overview, warns of its end, and tells the other operator what to present', async () => {
    const page = await signedInConsole(browser, url, E2E_ADMIN_KEY, problems);
    expect(await page.getByTestId('node-id').textContent()).toBe(id);
    const transport = await page.getByTestId('node-transport').textContent();
    expect(transport).toMatch(new RegExp(`^mTLS certificate for ${id}, valid until \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC$`));
    const expiring = page.locator('[data-testid=attention-item][data-code=tls_certificate_expiring]');
    await expiring.waitFor();
    expect(await expiring.textContent()).toContain('TLS certificate (STIGMEM_TLS_CERT_PATH) expires on');

    await page.getByTestId('nav-peers').click();
    await page.getByTestId('peers-screen').waitFor();
    expect(await page.getByTestId('self-url').textContent()).toBe(url);
    expect(await page.getByTestId('self-mtls').textContent()).toContain(`as this node's names ${id}`);
    expect(problems).toEqual([]);
  });
});
