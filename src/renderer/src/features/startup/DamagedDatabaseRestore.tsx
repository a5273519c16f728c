// The node could not start because its database is damaged: put a database backup back over it from here, as
// `stigmem data restore` does. The damaged file is kept beside it; the organisation entity is typed to confirm.
import { useState, type FormEvent } from 'react';
import type { NodeStartup } from '../../../../shared/contract';
import type { ContractError } from '../../../../shared/result';
import { ErrorNotice } from '../../components/ErrorNotice';
import { keepFocusInside } from '../../components/focus';
import { useRestoreProblem } from './useRestoreProblem';
import { transport } from '../../transport';

type Damaged = NonNullable<Extract<NodeStartup, { phase: 'failed' }>['damagedDatabase']>;

export function DamagedDatabaseRestore({ damaged }: { damaged: Damaged }) {
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [typed, setTyped] = useState('');
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  const isReady = path.trim() !== '' && typed.trim() === damaged.entityUri && !isBusy;
  const { pathField, passphraseField, problemId, problemProps } = useRestoreProblem(error);

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (!isReady) return;
    setBusy(true);
    setError(null);
    const r = await transport.api.data.restore({ path: path.trim(), confirmEntity: typed.trim(), ...(passphrase !== '' ? { passphrase } : {}) });
    setBusy(false);
    // On success the startup poll moves on by itself (starting, then ready).
    if (!r.ok) setError(r.error);
    else setPassphrase('');
  };

  return (
    <section className="card startup__card" aria-labelledby="damaged-restore-title">
      <h2 id="damaged-restore-title" className="card__title">
        Restore a database backup over it
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)} onBlur={keepFocusInside} data-testid="damaged-restore-form">
        <p className="card__note">
          The damaged file <span className="mono wrap">{damaged.dbPath}</span> is kept beside the restored one. Facts written since the backup
          are not in it; peers send theirs again from where they left off.
        </p>
        <label className="field">
          <span className="field__label">Database backup (full path)</span>
          <input ref={pathField} className="field__input mono" value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} {...problemProps('path')} data-testid="damaged-restore-path" />
        </label>
        <label className="field">
          <span className="field__label">Its passphrase, if it is sealed</span>
          <input
            ref={passphraseField}
            className="field__input"
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            {...problemProps('passphrase')}
            data-testid="damaged-restore-passphrase"
          />
        </label>
        <label className="field">
          <span className="field__label">
            Type <span className="mono">{damaged.entityUri}</span> to confirm
          </span>
          <input className="field__input mono" value={typed} spellCheck={false} onChange={(e) => setTyped(e.target.value)} data-testid="damaged-restore-entity" />
        </label>
        {error ? <ErrorNotice error={error} id={problemId} /> : null}
        <button type="submit" className="button button--primary form__action" disabled={!isReady} data-testid="damaged-restore-go">
          {isBusy ? 'Restoring…' : 'Restore and start the node'}
        </button>
      </form>
    </section>
  );
}
