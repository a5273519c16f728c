// A signed-in screen's landmark, headed by its name as the page's one h1 (hidden: the tab bar shows it). Arriving with
// focus gone (after sign-in, or from a button the last screen took with it), focus starts at that heading.
import { useEffect, useRef, type ReactNode } from 'react';
import { SCREEN_LABELS, type Screen } from '../stores/nav';
import { isFocusLost, SCREEN_HEADING_ID } from './focus';

export function ScreenMain({ screen, testId, children }: { screen: Screen; testId: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (isFocusLost()) heading.current?.focus();
  }, []);
  return (
    <main className="dashboard" data-testid={testId}>
      <h1 id={SCREEN_HEADING_ID} ref={heading} className="visually-hidden" tabIndex={-1}>
        {SCREEN_LABELS[screen]}
      </h1>
      {children}
    </main>
  );
}
