// The Manifest and Tokens screens in a real browser (Debian's Chromium) against a real `stigmem serve`: a token cannot
// be issued before the org manifest is published; the operator publishes it (after confirming), then issues a write
// token to another organisation's agent, sees it once to hand over (it verifies), and revokes it with a reason.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_MISSING, hasChromium, signedInConsole } from './chromium.js';
import { adminApi, E2E_ADMIN_KEY, orgEnv } from './orgs.js';
import { servedNodeAndBrowser } from './suite.js';

if (!hasChromium) console.warn(`tokens e2e skipped: ${CHROMIUM_MISSING}`);

const ORG = 'stigmem://org-a.example';
const BOT = 'stigmem://org-b.example/agent/bot';

describe('the Manifest and Tokens screens', () => {
  const s = servedNodeAndBrowser('tokens', () => orgEnv('org-a').env);

  async function tokensScreen(): Promise<Page> {
    const page = await signedInConsole(s.browser, s.node.url, E2E_ADMIN_KEY, s.problems);
    await page.getByTestId('nav-tokens').click();
    await page.getByTestId('tokens-screen').waitFor();
    return page;
  }

  const verify = async (tokenJson: string): Promise<Record<string, unknown>> =>
    (await (await fetch(`${s.node.url}/v1/federation/capability-tokens/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token_json: tokenJson }) })).json()) as Record<string, unknown>;

  it.skipIf(!hasChromium)('publishes the org manifest, issues a write token shown once to hand over, and revokes it with a reason after confirming', async () => {
    const page = await tokensScreen();
    await page.getByTestId('tokens-empty').waitFor();

    // No manifest yet: the node refuses, and says why.
    await page.getByTestId('token-subject').fill(BOT);
    await page.getByTestId('token-object').fill(`${ORG}/scope/shared`);
    await page.getByTestId('issue-submit').click();
    await page.getByTestId('issue-confirm').click();
    const refused = page.getByTestId('issue-form').getByTestId('error-notice');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('issuer_manifest_missing');
    expect(await refused.textContent()).toContain('Publish a manifest first, on the Manifest screen');

    await page.getByTestId('nav-manifest').click();
    await page.getByTestId('manifest-none').waitFor();
    // A refused publication's notice goes when the question is taken back, and does not greet the next attempt.
    await page.getByTestId('manifest-entities-input').fill('not a uri');
    await page.getByTestId('manifest-publish-open').click();
    await page.getByTestId('manifest-publish-confirm').click();
    await page.getByTestId('manifest-confirm-panel').getByTestId('error-notice').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('manifest-publish-open').click();
    expect(await page.getByTestId('manifest-confirm-panel').getByTestId('error-notice').count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('manifest-entities-input').fill(`${ORG}\n${ORG}/agent/assistant\n`);
    await page.getByTestId('manifest-validity').selectOption('90');
    await page.getByTestId('manifest-publish-open').click();
    expect(await page.getByTestId('manifest-confirm-panel').textContent()).toContain('covering 2 entities');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('manifest-none').count()).toBe(1);
    await page.getByTestId('manifest-publish-open').click();
    await page.getByTestId('manifest-publish-confirm').click();
    await page.getByTestId('manifest-current').waitFor();
    expect(await page.getByTestId('manifest-entities').textContent()).toBe(`${ORG}\n${ORG}/agent/assistant`);
    // The form that published is replaced by one for the next update, its question gone with it.
    await page.getByRole('heading', { name: 'Publish an update' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Publish the manifest' }).count()).toBe(0);
    expect(await page.getByTestId('manifest-confirm-panel').count()).toBe(0);
    expect(await page.getByTestId('manifest-publish-open').count()).toBe(1);
    // "Sign to a file" starts from the manifest now in force, not the one there was when the screen opened.
    expect(await page.getByTestId('export-entities').inputValue()).toBe(`${ORG}\n${ORG}/agent/assistant`);
    const wellKnown = (await (await fetch(`${s.node.url}/.well-known/stigmem-manifest.json`)).json()) as Record<string, unknown>;
    expect(wellKnown).toMatchObject({ entity_uri: ORG, entities: [ORG, `${ORG}/agent/assistant`] });
    expect(String((wellKnown['log_entry'] as { log_index: number }).log_index)).toBe(await page.getByTestId('manifest-log-index').textContent());
    await page.screenshot({ path: join(s.home, 'manifest.png'), fullPage: true });

    await page.getByTestId('nav-tokens').click();
    await page.getByTestId('tokens-empty').waitFor();
    expect(await page.getByTestId('issue-form').getByTestId('error-notice').count()).toBe(0);
    expect(await page.getByTestId('issue-form').textContent()).toContain(ORG);
    await page.getByTestId('token-subject').fill('');
    expect(await page.getByTestId('issue-submit').isDisabled()).toBe(true);
    // The button says why it waits: a subject that is no entity URI, an object the node cannot grant.
    await page.getByTestId('token-subject').fill('bot');
    await page.getByTestId('token-object').fill('stigmem://facts/scope:public');
    expect(await page.getByTestId('issue-problem').textContent()).toContain('The subject is an entity URI');
    expect(await page.getByTestId('issue-submit').isDisabled()).toBe(true);
    await page.getByTestId('token-subject').fill(BOT);
    await page.getByTestId('token-object').fill('stigmem://facts/scope:private');
    expect(await page.getByTestId('issue-problem').textContent()).toContain('stigmem://facts/scope:<public|company|team|local>');
    expect(await page.getByTestId('issue-submit').isDisabled()).toBe(true);
    await page.getByTestId('token-object').fill(`${ORG}/scope/shared`);
    expect(await page.getByTestId('issue-problem').count()).toBe(0);
    await page.getByTestId('token-ttl').selectOption('604800');
    // Nothing is signed until the operator confirms what it grants.
    await page.getByTestId('issue-submit').click();
    expect(await page.getByTestId('issue-confirm-panel').textContent()).toMatch(new RegExp(`^Sign a write token for ${BOT} under ${ORG}/scope/shared, valid until \\d{4}-\\d{2}-\\d{2} `));
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('issue-confirm-panel').count()).toBe(0);
    await page.getByTestId('tokens-empty').waitFor();
    await page.getByTestId('issue-submit').click();
    await page.getByTestId('issue-confirm').click();
    await page.getByTestId('issued-token').waitFor();
    const tokenJson = await page.getByTestId('issued-token-json').inputValue();
    const token = JSON.parse(tokenJson) as Record<string, unknown>;
    expect(token).toMatchObject({ issuer: ORG, subject: BOT, verb: 'write', object: `${ORG}/scope/shared` });
    expect(Date.parse(String(token['expiry'])) - Date.parse(String(token['issued_at']))).toBe(7 * 86_400_000);
    expect(await verify(tokenJson)).toEqual({ valid: true });
    const row = page.locator(`[data-testid=token-row][data-token-id="${String(token['token_id'])}"]`);
    expect(await row.getAttribute('data-status')).toBe('active');

    // Signing out forgets the token shown once and the screen: the next operator starts on the Overview.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('admin-key-input').fill(E2E_ADMIN_KEY);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('node-id').waitFor();
    expect(await page.getByTestId('nav-overview').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('nav-tokens').click();
    await row.waitFor();
    expect(await page.getByTestId('issued-token').count()).toBe(0);

    await row.getByTestId('revoke-open').click();
    expect(await page.getByTestId('revoke-panel').textContent()).toContain('It cannot be undone.');
    expect(await page.getByTestId('revoke-confirm').isDisabled()).toBe(true);
    await page.getByTestId('revoke-reason').fill('bot decommissioned');
    await page.getByTestId('revoke-confirm').click();
    await page.locator(`[data-testid=token-row][data-token-id="${String(token['token_id'])}"][data-status=revoked]`).waitFor();
    expect(await row.textContent()).toContain('bot decommissioned');
    expect(await row.getByTestId('revoke-open').count()).toBe(0);
    expect(await verify(tokenJson)).toMatchObject({ valid: false });
    await page.screenshot({ path: join(s.home, 'tokens.png'), fullPage: true });

    // A token revoked elsewhere while the question was open: the panel closes and the row says so.
    await page.getByTestId('token-subject').fill(BOT);
    await page.getByTestId('token-object').fill('stigmem://facts/scope:public');
    await page.getByTestId('issue-submit').click();
    await page.getByTestId('issue-confirm').click();
    await page.getByTestId('issued-token').waitFor();
    const second = JSON.parse(await page.getByTestId('issued-token-json').inputValue()) as { token_id: string };
    const other = page.locator(`[data-testid=token-row][data-token-id="${second.token_id}"]`);
    await other.getByTestId('revoke-open').click();
    await page.getByTestId('revoke-reason').fill('rotated');
    expect((await adminApi(`${s.node.url}/v1/federation/capability-tokens/${second.token_id}/revoke`, 'POST', { reason: 'revoked by the other admin' })).status).toBe(200);
    await page.getByTestId('revoke-confirm').click();
    await page.locator(`[data-testid=token-row][data-token-id="${second.token_id}"][data-status=revoked]`).waitFor();
    expect(await page.getByTestId('revoke-panel').count()).toBe(0);
    expect(await other.getByTestId('revoke-already').textContent()).toBe('Already revoked elsewhere before yours arrived.');
    expect(await other.textContent()).toContain('revoked by the other admin');
    await page.close();
  }, 60_000);

  it.skipIf(!hasChromium)('loaded without script errors or CSP violations', () => {
    expect(s.problems).toEqual([]);
  });
});
