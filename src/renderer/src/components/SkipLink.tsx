// The first stop for Tab: past the header's controls straight to the screen, its heading taking focus.
import type { MouseEvent } from 'react';
import { SCREEN_HEADING_ID } from './focus';

export function SkipLink() {
  const skip = (e: MouseEvent<HTMLAnchorElement>): void => {
    // Focus moved by script: following the fragment would not move focus to a heading in every browser.
    e.preventDefault();
    document.getElementById(SCREEN_HEADING_ID)?.focus();
  };
  return (
    <a className="skip-link" href={`#${SCREEN_HEADING_ID}`} onClick={skip} data-testid="skip-link">
      Skip to content
    </a>
  );
}
