// A field's problem said under it and tied to it: the field reads as invalid and is described by the message, which a
// screen reader announces as it appears.
import { useId, type ReactNode } from 'react';

interface FieldProblem {
  /** Spread on the field the problem is about. */
  fieldProps: { 'aria-invalid'?: true; 'aria-describedby'?: string };
  /** The message, or null when there is no problem. */
  message: ReactNode;
}

export function useFieldProblem(problem: ReactNode, opts: { testId?: string; className?: string } = {}): FieldProblem {
  const id = useId();
  if (problem === null || problem === undefined || problem === false) return { fieldProps: {}, message: null };
  return {
    fieldProps: { 'aria-invalid': true, 'aria-describedby': id },
    message: (
      <p id={id} className={opts.className ?? 'field__error'} role="alert" data-testid={opts.testId}>
        {problem}
      </p>
    ),
  };
}
