// A panel that opens in place (a confirmation, a row's editor): focus moves into it, Escape closes it, and focus goes
// back to what opened it (or, when that is gone or disabled, to `returnFocus`, then the card's heading).
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { cardHeadingOf, FOCUSABLE, focusFirst, isFocusLost, keepFocusInside, SCREEN_HEADING_ID } from './focus';

export function usePanelFocus<T extends HTMLElement>(onCancel: (() => void) | null, returnFocus?: () => HTMLElement | null) {
  const ref = useRef<T>(null);
  // The latest callback, read when the panel closes (it is often an inline arrow).
  const returnFocusRef = useRef(returnFocus);
  useLayoutEffect(() => {
    returnFocusRef.current = returnFocus;
  });

  useEffect(() => {
    const panel = ref.current;
    if (panel === null) return;
    const opener = isFocusLost() ? null : (document.activeElement as HTMLElement);
    const cardHeading = cardHeadingOf(panel);
    panel.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    return () => {
      // Only focus that left with the panel is put back; focus the operator moved elsewhere stays there.
      if (!isFocusLost()) return;
      focusFirst([opener, returnFocusRef.current?.(), cardHeading(), document.getElementById(SCREEN_HEADING_ID)]);
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<T>): void => {
    if (e.key !== 'Escape' || onCancel === null) return;
    e.preventDefault();
    e.stopPropagation();
    onCancel();
  };
  return { ref, onKeyDown, onBlur: keepFocusInside };
}
