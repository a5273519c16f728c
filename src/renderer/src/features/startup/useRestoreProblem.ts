// A refused restore (of the identity, or of a database over a damaged one) names the field it is about: the passphrase
// for a passphrase problem, else the backup's path. That field reads as invalid, is described by the refusal, and takes
// focus.
import { useEffect, useId, useRef } from 'react';
import type { ContractError } from '../../../../shared/result';

type RestoreField = 'path' | 'passphrase';

/** Whether a refused backup is refused for its passphrase (missing, wrong) rather than for its file. */
const isPassphraseProblem = (code: string): boolean => code.startsWith('passphrase_');

export function useRestoreProblem(error: ContractError | null) {
  const pathField = useRef<HTMLInputElement>(null);
  const passphraseField = useRef<HTMLInputElement>(null);
  const problemId = useId();
  const problemField: RestoreField | null = error === null ? null : isPassphraseProblem(error.code) ? 'passphrase' : 'path';
  useEffect(() => {
    if (problemField !== null) (problemField === 'passphrase' ? passphraseField : pathField).current?.focus();
  }, [problemField, error]);
  const problemProps = (field: RestoreField) => (problemField === field ? { 'aria-invalid': true, 'aria-describedby': problemId } : {});
  return { pathField, passphraseField, problemId, problemProps };
}
