// A form that asks before it acts: submitting a ready form opens the question, and editing any field takes the
// question back along with the last refusal.
import { useState, type FormEvent } from 'react';

export function useConfirmStep(isReady: boolean, clearError: () => void) {
  const [isConfirming, setConfirming] = useState(false);
  const edit = (apply: () => void): void => {
    apply();
    setConfirming(false);
    clearError();
  };
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (isReady) setConfirming(true);
  };
  return { isConfirming, setConfirming, edit, submit };
}
