// A paging button ("Older", "Show older events"): it keeps the keyboard's place while its page loads, and when it goes
// away with the last page it hands focus on (to `fallback`, then its card's heading), never to the page's body.
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { cardHeadingOf, focusFirst, isFocusLost, SCREEN_HEADING_ID } from './focus';

interface PageButtonProps {
  isBusy: boolean;
  onClick: () => void;
  testId: string;
  className?: string;
  /** Where focus goes when this button leaves while it has focus, before the card's heading. */
  fallback?: () => HTMLElement | null;
  children: ReactNode;
}

export function PageButton({ isBusy, onClick, testId, className = 'button button--secondary', fallback, children }: PageButtonProps) {
  const ref = useRef<HTMLButtonElement>(null);
  const fallbackRef = useRef(fallback);
  // Whether focus left this button for nowhere (Chromium blurs a focused element as it is removed).
  const isHoldingFocus = useRef(false);
  useLayoutEffect(() => {
    fallbackRef.current = fallback;
  });
  useLayoutEffect(() => {
    const button = ref.current;
    if (button === null) return;
    const heading = cardHeadingOf(button);
    return () => {
      if (!isHoldingFocus.current && document.activeElement !== button) return;
      // After the removal has settled: the new page's own controls may take focus first.
      setTimeout(() => {
        if (isFocusLost()) focusFirst([fallbackRef.current?.(), heading(), document.getElementById(SCREEN_HEADING_ID)]);
      }, 0);
    };
  }, []);
  return (
    // aria-disabled rather than disabled while busy: a disabled button loses the keyboard's focus in Chromium.
    <button
      ref={ref}
      type="button"
      className={className}
      aria-disabled={isBusy}
      onClick={() => (isBusy ? undefined : onClick())}
      onFocus={() => {
        isHoldingFocus.current = true;
      }}
      onBlur={(e) => {
        isHoldingFocus.current = e.relatedTarget === null;
      }}
      data-testid={testId}
    >
      {children}
    </button>
  );
}
