// Put a database backup back: the file is read first (what it holds, whether this node can take it), then the operator
// types the organisation's entity; the desktop stops its node, swaps the database (keeping the old one), restarts it.
import { useRef, useState, type FormEvent } from 'react';
import type { DataOverview } from '../../../../shared/data';
import { Announce } from '../../components/Announce';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatCount, formatTimestamp } from '../../components/format';
import { Spinner } from '../../components/Spinner';
import { useData } from '../../stores/data';
import { transport } from '../../transport';
import { BackupFacts } from './BackupFacts';

function RestoreResult() {
  const done = useData((s) => s.lastRestore);
  if (!done) return null;
  return (
    <div className="row-panel" data-testid="data-restore-done">
      <Announce of={done} message="Restored: the node runs on the restored database." />
      <p>The node runs on the restored database. Facts written since the backup are not in it; peers send theirs again from where they left off.</p>
      <dl className="props">
        <dt>The database it replaced</dt>
        <dd className="mono wrap" data-testid="data-restore-previous">
          {done.previousSavedAs}
        </dd>
        <dt>The ceremony record</dt>
        <dd data-testid="data-restore-record" data-outcome={done.ceremonyRecord.outcome}>
          {done.ceremonyRecord.message}
          {done.ceremonyRecord.savedAs && <span className="mono wrap"> {done.ceremonyRecord.savedAs}</span>}
        </dd>
      </dl>
    </div>
  );
}

function RestoreForm({ entityUri, passphrase }: { entityUri: string; passphrase: string | undefined }) {
  const { restore, isRestoring, restoreError } = useData();
  const inspected = useData((s) => s.inspected)!;
  const [typed, setTyped] = useState('');
  const [isConfirming, setConfirming] = useState(false);
  const openButton = useRef<HTMLButtonElement>(null);
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (typed.trim() === entityUri) setConfirming(true);
  };
  if (isRestoring) return <Spinner label="Stopping the node, restoring the database, starting the node again…" />;
  return (
    <form className="form" onSubmit={submit} data-testid="data-restore-form">
      <label className="field">
        <span className="field__label">
          Type <span className="mono">{entityUri}</span> to confirm
        </span>
        <input className="field__input mono" value={typed} spellCheck={false} onChange={(e) => (setTyped(e.target.value), setConfirming(false))} data-testid="data-restore-entity" />
      </label>
      {isConfirming ? (
        <ConfirmPanel
          label="Restore the database"
          question={
            <>
              Replace this node&apos;s database with the backup taken {formatTimestamp(inspected.takenAt)}? The node stops for a moment; everything written since the
              backup leaves the node (the replaced database is kept beside it).
            </>
          }
          onCancel={() => setConfirming(false)}
          returnFocus={() => openButton.current}
          isDanger
          testId="data-restore-confirm-panel"
        >
          {restoreError ? <ErrorNotice error={restoreError} /> : null}
          <div className="row-panel__actions">
            <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="button button--danger" onClick={() => void restore({ path: inspected.path, confirmEntity: typed.trim(), ...(passphrase !== undefined ? { passphrase } : {}) })} data-testid="data-restore-go">
              Restore now
            </button>
          </div>
        </ConfirmPanel>
      ) : (
        <>
          {restoreError ? <ErrorNotice error={restoreError} /> : null}
          <button ref={openButton} type="submit" className="button button--danger" disabled={typed.trim() !== entityUri} data-testid="data-restore-open">
            Restore…
          </button>
        </>
      )}
    </form>
  );
}

/** A sealed backup's passphrase, which opens it here (so what it holds is checked) before it can be restored. */
function OpenSealedForm({ onOpen }: { onOpen: (passphrase: string) => Promise<void> }) {
  const [passphrase, setPassphrase] = useState('');
  const open = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (passphrase !== '') void onOpen(passphrase);
  };
  return (
    <form className="form" onSubmit={open} data-testid="data-open-form">
      <p className="card__note">This backup is sealed: what it holds is its header&apos;s word until its passphrase opens it.</p>
      <label className="field">
        <span className="field__label">Passphrase</span>
        <input className="field__input" type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="data-open-passphrase" />
      </label>
      <button type="submit" className="button button--secondary" disabled={passphrase === ''} data-testid="data-open-go">
        Open with the passphrase
      </button>
    </form>
  );
}

export function DataRestoreCard({ data }: { data: DataOverview }) {
  const { inspect, inspected, inspectError, clearInspected } = useData();
  const [path, setPath] = useState('');
  // Kept in the form while a sealed backup is restored; the store never holds it.
  const [opened, setOpened] = useState<{ path: string; passphrase: string } | null>(null);
  const isConsole = transport.adminKey !== null;
  const openWith = async (passphrase: string): Promise<void> => {
    await inspect(path.trim(), passphrase);
    // The console only shows what the backup holds (it cannot restore), so it keeps no passphrase.
    if (!isConsole && useData.getState().inspected?.isOpened) setOpened({ path: path.trim(), passphrase });
  };
  const check = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (path.trim() !== '') void inspect(path.trim());
  };
  const readAutomatic = (p: string): void => {
    setPath(p);
    setOpened(null);
    void inspect(p);
  };
  const automatic = data.automatic?.backups ?? [];

  return (
    <section className="card" aria-labelledby="data-restore-title">
      <h2 id="data-restore-title" className="card__title">
        Restore the database
      </h2>
      <p className="card__note">Only a backup of this node taken under its present identity key can be restored; read the file first to see what it holds.</p>
      {data.isPossible ? (
        <form className="form" onSubmit={check} data-testid="data-inspect-form">
          <label className="field">
            <span className="field__label">Backup file (full path)</span>
            <input className="field__input mono" value={path} spellCheck={false} onChange={(e) => (setPath(e.target.value), setOpened(null), clearInspected())} data-testid="data-inspect-path" />
          </label>
          <button type="submit" className="button button--secondary" disabled={path.trim() === ''} data-testid="data-inspect-go">
            Read the file
          </button>
        </form>
      ) : null}
      {automatic.length > 0 ? (
        <ul className="backup-list" data-testid="data-automatic-backups">
          {automatic.map((b) => (
            <li key={b.path} className="backup-list__item" data-testid="data-automatic-backup" data-path={b.path}>
              <span>
                {formatTimestamp(b.takenAt)} · {formatCount(b.facts)} facts{b.sealed ? ' · sealed' : ''}
              </span>
              <button type="button" className="button button--secondary" onClick={() => readAutomatic(b.path)} data-testid="data-automatic-read">
                Read
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {inspectError ? <ErrorNotice error={inspectError} /> : null}
      {inspected ? (
        <div className="row-panel" data-testid="data-inspected">
          <BackupFacts info={inspected} />
          {!inspected.isRestorable ? (
            <p className="form__warn" data-testid="data-restore-refused">
              {inspected.whyNot}
            </p>
          ) : !inspected.isOpened ? (
            <OpenSealedForm onOpen={openWith} />
          ) : isConsole ? (
            <p className="card__note" data-testid="data-restore-elsewhere">
              Restoring needs the node stopped: stop <span className="mono">stigmem serve</span>, run <span className="mono">stigmem data restore {inspected.path}</span> in its
              folder{inspected.sealed ? ' (it asks for the passphrase, or takes --passphrase-file)' : ''}, and start it again. The desktop app does this for you.
            </p>
          ) : (
            <RestoreForm entityUri={data.entityUri} passphrase={inspected.sealed && opened?.path === inspected.path ? opened.passphrase : undefined} />
          )}
        </div>
      ) : null}
      <RestoreResult />
    </section>
  );
}
