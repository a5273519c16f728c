// A new passphrase, typed twice and checked as the node checks it, for anything sealed under one (key and database
// backups). The value stays in the form that owns it; `isAcceptable` says whether it may be used.
import { passphraseWeakness } from '../../../shared/passphrase';
import { useFieldProblem } from './useFieldProblem';

export function newPassphraseState(passphrase: string, repeat: string): { weakness: string | null; isMismatch: boolean; isAcceptable: boolean } {
  const weakness = passphrase === '' ? null : passphraseWeakness(passphrase);
  return { weakness, isMismatch: repeat !== '' && repeat !== passphrase, isAcceptable: passphrase !== '' && weakness === null && repeat === passphrase };
}

interface Props {
  passphrase: string;
  repeat: string;
  onPassphrase: (v: string) => void;
  onRepeat: (v: string) => void;
  /** Prefix of the fields' test ids: `<prefix>-passphrase`, `-weak`, `-repeat`, `-mismatch`. */
  testId: string;
}

export function NewPassphrase({ passphrase, repeat, onPassphrase, onRepeat, testId }: Props) {
  const { weakness, isMismatch } = newPassphraseState(passphrase, repeat);
  const weak = useFieldProblem(weakness ? `Too weak: ${weakness}.` : null, { testId: `${testId}-weak`, className: 'form__warn' });
  const mismatch = useFieldProblem(isMismatch ? 'The two passphrases differ.' : null, { testId: `${testId}-mismatch`, className: 'form__warn' });
  return (
    <>
      <label className="field">
        <span className="field__label">Passphrase (at least 12 characters, mixed)</span>
        <input className="field__input" type="password" autoComplete="new-password" value={passphrase} onChange={(e) => onPassphrase(e.target.value)} {...weak.fieldProps} data-testid={`${testId}-passphrase`} />
      </label>
      {weak.message}
      <label className="field">
        <span className="field__label">The passphrase again</span>
        <input className="field__input" type="password" autoComplete="new-password" value={repeat} onChange={(e) => onRepeat(e.target.value)} {...mismatch.fieldProps} data-testid={`${testId}-repeat`} />
      </label>
      {mismatch.message}
    </>
  );
}
