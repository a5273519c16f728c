// Back up the node's database while it runs: a full path, a confirmation, the copy's progress, then what it holds.
import { useRef, useState } from 'react';
import type { DataOverview } from '../../../../shared/data';
import { Announce } from '../../components/Announce';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { NewPassphrase, newPassphraseState } from '../../components/NewPassphrase';
import { useConfirmStep } from '../../components/useConfirmStep';
import { formatCount, formatTimestamp } from '../../components/format';
import { useData } from '../../stores/data';
import { formatBytes } from '../../../../shared/bytes';
import { BackupFacts } from './BackupFacts';

function BackupResult() {
  const done = useData((s) => s.lastBackup);
  if (!done) return null;
  return (
    <div className="row-panel" data-testid="data-backup-done">
      <Announce of={done} message={`Database backup written ${formatTimestamp(done.takenAt)}.`} />
      <p>Written {formatTimestamp(done.takenAt)}. Move it off this machine; keep the identity key&apos;s own backup with it.</p>
      <BackupFacts info={done} />
      <dl className="props">
        <dt>Checksum</dt>
        <dd className="mono wrap" data-testid="data-backup-sha256">
          {done.sha256}
        </dd>
      </dl>
    </div>
  );
}

export function DataBackupCard({ data }: { data: DataOverview }) {
  const { backUp, isBackingUp, progress, backupError, clearBackupError } = useData();
  const [path, setPath] = useState(data.suggestedPath);
  const [overwrite, setOverwrite] = useState(false);
  const [isSealing, setSealing] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const isReady = path.trim() !== '' && (!isSealing || newPassphraseState(passphrase, repeat).isAcceptable);
  const { isConfirming, setConfirming, edit, submit } = useConfirmStep(isReady, clearBackupError);
  const openButton = useRef<HTMLButtonElement>(null);
  const write = async (): Promise<void> => {
    if (await backUp({ path: path.trim(), overwrite, ...(isSealing ? { passphrase } : {}) })) {
      setConfirming(false);
      setPassphrase('');
      setRepeat('');
    }
  };

  return (
    <section className="card" aria-labelledby="data-backup-title">
      <h2 id="data-backup-title" className="card__title">
        Back up the database
      </h2>
      {!data.isPossible ? (
        <p className="form__warn" data-testid="data-backup-impossible">
          {data.whyNot}
        </p>
      ) : (
        <form className="form" onSubmit={submit} data-testid="data-backup-form">
          <p className="card__note">
            A copy of every fact, peer, token, setting and audit event as of one moment, taken while the node keeps running. It holds no key: the identity key has its own
            sealed backup on the Keys screen, and only this node, under its present key, can take the copy back.
          </p>
          <label className="field">
            <span className="field__label">Backup file (full path)</span>
            <input className="field__input mono" value={path} spellCheck={false} onChange={(e) => edit(() => setPath(e.target.value))} data-testid="data-backup-path" />
          </label>
          <label className="field field--inline">
            <input type="checkbox" checked={overwrite} onChange={(e) => edit(() => setOverwrite(e.target.checked))} data-testid="data-backup-overwrite" />
            <span>Replace an earlier database backup at this path (never any other kind of file)</span>
          </label>
          <label className="field field--inline">
            <input type="checkbox" checked={isSealing} onChange={(e) => edit(() => setSealing(e.target.checked))} data-testid="data-backup-seal" />
            <span>Seal it under a passphrase, for a copy that leaves this machine</span>
          </label>
          {isSealing ? (
            <NewPassphrase passphrase={passphrase} repeat={repeat} onPassphrase={(v) => edit(() => setPassphrase(v))} onRepeat={(v) => edit(() => setRepeat(v))} testId="data-backup" />
          ) : null}
          {isConfirming ? (
            <ConfirmPanel
              label="Write the database backup"
              question={
                <>
                  Copy the database ({formatCount(data.facts)} facts, {formatBytes(data.bytes)}) to <span className="mono">{path.trim()}</span>?{' '}
                  {isSealing
                    ? 'It opens only with the passphrase: if the passphrase is lost, so is the copy.'
                    : 'Anyone who can read the file can read every fact in it, whatever its scope.'}
                </>
              }
              onCancel={isBackingUp ? null : () => setConfirming(false)}
              returnFocus={() => openButton.current}
              testId="data-backup-confirm-panel"
            >
              {isBackingUp ? (
                <progress className="startup__progress" max={1} value={progress ?? 0} aria-label="Backup progress" data-testid="data-backup-progress" />
              ) : null}
              {backupError ? <ErrorNotice error={backupError} /> : null}
              <div className="row-panel__actions">
                <button type="button" className="button button--secondary" disabled={isBackingUp} onClick={() => setConfirming(false)}>
                  Cancel
                </button>
                <button type="button" className="button button--primary" disabled={isBackingUp} onClick={() => void write()} data-testid="data-backup-confirm">
                  {isBackingUp ? `Copying… ${Math.round((progress ?? 0) * 100)}%` : 'Write the backup'}
                </button>
              </div>
            </ConfirmPanel>
          ) : (
            <button ref={openButton} type="submit" className="button button--primary" disabled={!isReady} data-testid="data-backup-open">
              Back up…
            </button>
          )}
        </form>
      )}
      <BackupResult />
    </section>
  );
}
