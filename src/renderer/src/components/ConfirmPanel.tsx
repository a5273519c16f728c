// The question asked before an action that cannot be taken back, shown in place: an alert dialog named by `label` and
// described by its question, that takes focus when it opens, closes on Escape and gives focus back when it closes.
// Not modal: the rest of the screen stays usable, so it does not claim aria-modal.
import { useId, type ReactNode } from 'react';
import { usePanelFocus } from './usePanelFocus';

interface Props {
  label: string;
  question: ReactNode;
  /** What Escape does (the Cancel button's action); null while it cannot be cancelled. */
  onCancel: (() => void) | null;
  /** Where focus goes after, when the button that opened it is gone or disabled. */
  returnFocus?: () => HTMLElement | null;
  isDanger?: boolean;
  testId: string;
  children: ReactNode;
}

export function ConfirmPanel({ label, question, onCancel, returnFocus, isDanger = false, testId, children }: Props) {
  const focusProps = usePanelFocus<HTMLDivElement>(onCancel, returnFocus);
  const questionId = useId();
  return (
    <div {...focusProps} className={`row-panel${isDanger ? ' row-panel--danger' : ''}`} role="alertdialog" aria-label={label} aria-describedby={questionId} data-testid={testId}>
      <p id={questionId}>{question}</p>
      {children}
    </div>
  );
}
