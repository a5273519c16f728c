// Where keyboard focus goes when part of a screen appears or goes away, so an operator working by keyboard or screen
// reader is never left on the page's body.

/** The id of each screen's heading, the last place focus falls back to. */
export const SCREEN_HEADING_ID = 'screen-title';

/** Buttons and fields that take focus, in document order. */
export const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

function canTakeFocus(el: HTMLElement | null | undefined): el is HTMLElement {
  return el !== null && el !== undefined && el.isConnected && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0;
}

/** Focus the first element that can take it; a heading is made focusable (by script only) first. */
export function focusFirst(candidates: (HTMLElement | null | undefined)[]): void {
  const target = candidates.find(canTakeFocus);
  if (target === undefined) return;
  if (/^H[1-6]$/.test(target.tagName) && !target.hasAttribute('tabindex')) target.tabIndex = -1;
  target.focus();
}

/** True when focus went away with a removed element (it then rests on the body). */
export function isFocusLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}

/**
 * For a form's or panel's onBlur: Chromium drops focus from a control that turns disabled while focused (a button while
 * its request runs), which leaves a keyboard on the page's body; focus goes to the container's first usable control
 * instead, or the container itself.
 */
export function keepFocusInside(e: { currentTarget: HTMLElement; target: EventTarget; relatedTarget: EventTarget | null }): void {
  const container = e.currentTarget;
  if (e.relatedTarget !== null || !(e.target instanceof Element) || !e.target.matches(':disabled')) return;
  setTimeout(() => {
    if (!container.isConnected || !isFocusLost()) return;
    if (!container.hasAttribute('tabindex')) container.tabIndex = -1;
    focusFirst([container.querySelector<HTMLElement>(FOCUSABLE), container]);
  }, 0);
}

/** The heading of the card (a section labelled by its heading) that holds `el`, found again by id when asked. */
export function cardHeadingOf(el: HTMLElement): () => HTMLElement | null {
  const id = el.closest('section[aria-labelledby]')?.getAttribute('aria-labelledby') ?? null;
  return () => (id === null ? null : document.getElementById(id));
}

/** The first control in a table's last row: where a keyboard continues once a list has no older page to load. */
export function lastRowControl(tableTestId: string): () => HTMLElement | null {
  return () => document.querySelector<HTMLElement>(`[data-testid="${tableTestId}"] tbody tr:last-child :is(button, a, input)`);
}
