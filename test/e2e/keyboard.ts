// Driving the console by keyboard alone, and reading what a screen reader is told: where focus is, what moves it,
// and which text describes a field.
import type { Locator, Page } from 'playwright-core';

/** True when `locator` holds keyboard focus. */
export const isFocused = (locator: Locator): Promise<boolean> => locator.evaluate((el) => el === el.ownerDocument.activeElement);

/** What holds focus, for a failure message. */
export const focusedDescription = (page: Page): Promise<string> =>
  page.evaluate(`(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return 'the body';
    return el.tagName.toLowerCase() + ' ' + (el.getAttribute('data-testid') ?? '') + ' "' + (el.textContent ?? '').trim().slice(0, 60) + '"';
  })()`);

/** Press Tab (or Shift+Tab) until `locator` has focus: proves it is reachable in that direction. */
export async function tabTo(page: Page, locator: Locator, opts: { backwards?: boolean; max?: number } = {}): Promise<void> {
  for (let i = 0; i <= (opts.max ?? 60); i++) {
    if (await isFocused(locator)) return;
    await page.keyboard.press(opts.backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${String(locator)} was not reached by ${opts.backwards ? 'Shift+Tab' : 'Tab'}; focus is on ${await focusedDescription(page)}`);
}

/** Wait until `locator` holds focus (after a panel opens or closes). */
export async function waitForFocus(page: Page, locator: Locator): Promise<void> {
  await locator.waitFor();
  await page.waitForFunction((el) => el !== null && el === el.ownerDocument.activeElement, await locator.elementHandle(), { timeout: 5_000 }).catch(async () => {
    throw new Error(`${String(locator)} did not take focus; focus is on ${await focusedDescription(page)}`);
  });
}

/** Select what a field holds and type over it. */
export async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+a');
  if (text === '') await page.keyboard.press('Backspace');
  else await page.keyboard.type(text);
}

/** The text of the elements a field's aria-describedby names, and whether one of them is an alert. */
export const description = (field: Locator): Promise<{ text: string; isAlert: boolean }> =>
  field.evaluate((el) => {
    const parts = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id: string) => id !== '').map((id: string) => el.ownerDocument.getElementById(id));
    type Part = { textContent: string | null; getAttribute(name: string): string | null } | null;
    return { text: parts.map((p: Part) => p?.textContent ?? '').join(' ').trim(), isAlert: parts.some((p: Part) => p?.getAttribute('role') === 'alert') };
  });

/** Whether the focused element draws a focus indicator (an outline that is not none, at least 1px wide). */
export const hasVisibleFocus = (locator: Locator): Promise<boolean> =>
  locator.evaluate((el) => {
    const s = el.ownerDocument.defaultView!.getComputedStyle(el);
    return el === el.ownerDocument.activeElement && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
  });

/** The levels of the page's headings in order, for checking that none is skipped. */
export const headingLevels = (page: Page): Promise<number[]> =>
  page.evaluate("Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map((h) => Number(h.tagName[1]))");

/** A live region as the browser's accessibility tree has it: its DOM node, politeness, and the text inside it. */
export interface LiveRegion {
  node: number;
  live: string;
  text: string;
}

/** The page's live regions, read from Chromium's accessibility tree (what a screen reader is given). */
export async function liveRegions(page: Page): Promise<LiveRegion[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const textOf = (id: string): string => {
      const n = byId.get(id);
      if (n === undefined || n.ignored) return '';
      if (n.role?.value === 'StaticText') return String(n.name?.value ?? '');
      return (n.childIds ?? []).map(textOf).join('');
    };
    return nodes.flatMap((n) => {
      const live = n.properties?.find((p) => p.name === 'live')?.value.value;
      if (n.ignored || typeof live !== 'string' || live === 'off' || n.backendDOMNodeId === undefined) return [];
      return [{ node: n.backendDOMNodeId, live, text: textOf(n.nodeId).replace(/\s+/g, ' ').trim() }];
    });
  } finally {
    await cdp.detach();
  }
}

/**
 * Wait until `words` appear in exactly one live region, and in one that was already in the tree without them in
 * `before`: a change inside a region that exists is what a screen reader announces, and a second region would say it twice.
 */
export async function waitForAnnouncement(page: Page, before: LiveRegion[], words: string): Promise<void> {
  const known = new Map(before.map((r) => [r.node, r.text]));
  let saying: LiveRegion[] = [];
  for (let i = 0; i < 50; i++) {
    saying = (await liveRegions(page)).filter((r) => r.text.includes(words));
    if (saying.length === 1 && known.has(saying[0]!.node) && !known.get(saying[0]!.node)!.includes(words)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`"${words}" was not announced once by a live region present before: in ${saying.length} region(s) ${JSON.stringify(saying.map((r) => ({ ...r, wasPresent: known.has(r.node) })))}`);
}
