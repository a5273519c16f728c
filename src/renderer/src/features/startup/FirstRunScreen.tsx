// A first start on an empty data folder: the operator creates the organisation's identity key or restores it from a
// backup before the node starts. The key itself is made or opened in the main process; the window never sees it.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { NodeStartup } from '../../../../shared/contract';
import type { FirstRunChoice } from '../../../../shared/identity';
import type { ContractError } from '../../../../shared/result';
import { ErrorNotice } from '../../components/ErrorNotice';
import { isFocusLost, keepFocusInside } from '../../components/focus';
import { useRestoreProblem } from './useRestoreProblem';
import { transport } from '../../transport';

const KEY_STORES: Record<string, string> = {
  auto: 'the OS keychain (if it cannot be used, Stigmem asks before keeping the key in a file instead)',
  keychain: 'the OS keychain',
  file: 'a key file beside the database, readable only by your account',
  'encrypted-file': 'a passphrase-encrypted file beside the database',
};

type FirstRun = Extract<NodeStartup, { phase: 'first-run' }>;

export function FirstRunScreen({ startup }: { startup: FirstRun }) {
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState<FirstRunChoice['choice'] | null>(null);
  // Shown in the card of the choice that failed.
  const [error, setError] = useState<{ choice: FirstRunChoice['choice']; error: ContractError } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const restoreProblem = error?.choice === 'restore' ? error.error : null;
  const { pathField, passphraseField, problemId, problemProps } = useRestoreProblem(restoreProblem);

  // The question replaces the start's spinner, which held no focus: a keyboard starts at its heading.
  useEffect(() => {
    if (isFocusLost()) heading.current?.focus();
  }, []);

  const choose = async (choice: FirstRunChoice): Promise<void> => {
    setBusy(choice.choice);
    setError(null);
    const r = await transport.api.identity.firstRun(choice);
    setBusy(null);
    // On success the startup poll moves on by itself (starting, then ready).
    if (!r.ok) setError({ choice: choice.choice, error: r.error });
    else setPassphrase('');
  };

  const restore = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (path.trim() !== '' && passphrase !== '') void choose({ choice: 'restore', path: path.trim(), passphrase });
  };

  return (
    <main className="centered startup" data-testid="startup" data-phase="first-run">
      <div className="first-run">
        <section className="card startup__card" aria-labelledby="first-run-title">
          <h1 id="first-run-title" ref={heading} className="startup__title" tabIndex={-1}>
            Set up this organisation&apos;s identity
          </h1>
          <p>
            Everything this node says is signed with its identity key. It will be kept in {KEY_STORES[startup.keyStore] ?? startup.keyStore}, for the data
            folder <span className="mono wrap">{startup.dataDir}</span>, and never leaves it.
          </p>
        </section>
        <section className="card" aria-labelledby="first-run-new">
          <h2 id="first-run-new" className="card__title">
            A new identity
          </h2>
          <div className="form" onBlur={keepFocusInside}>
            <p className="card__note">For a new node. Back the key up on the Keys screen right after: nobody can recover a lost key.</p>
            {error?.choice === 'new' ? <ErrorNotice error={error.error} /> : null}
            <button type="button" className="button button--primary form__action" disabled={busy !== null} onClick={() => void choose({ choice: 'new' })} data-testid="first-run-new">
              {busy === 'new' ? 'Creating…' : 'Create the identity key'}
            </button>
          </div>
        </section>
        <section className="card" aria-labelledby="first-run-restore">
          <h2 id="first-run-restore" className="card__title">
            Restore from a backup
          </h2>
          <form className="form" onSubmit={restore} onBlur={keepFocusInside} data-testid="first-run-restore-form">
            <p className="card__note">For a replacement machine: the node comes back as the organisation it was, with the key its peers pinned.</p>
            <label className="field">
              <span className="field__label">Backup file (full path)</span>
              <input ref={pathField} className="field__input mono" value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} {...problemProps('path')} data-testid="first-run-path" />
            </label>
            <label className="field">
              <span className="field__label">Its passphrase</span>
              <input
                ref={passphraseField}
                className="field__input"
                type="password"
                autoComplete="current-password"
                value={passphrase}
                onChange={(e) => setPassphrase(e.target.value)}
                {...problemProps('passphrase')}
                data-testid="first-run-passphrase"
              />
            </label>
            {restoreProblem ? <ErrorNotice error={restoreProblem} id={problemId} /> : null}
            <button type="submit" className="button button--secondary form__action" disabled={busy !== null || path.trim() === '' || passphrase === ''} data-testid="first-run-restore">
              {busy === 'restore' ? 'Opening the backup…' : 'Restore'}
            </button>
          </form>
        </section>
      </div>
    </main>
  );
}
