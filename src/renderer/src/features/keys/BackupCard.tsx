// Back up the identity key: a passphrase (typed twice, checked as the node checks it), a file path, a confirmation,
// then the node seals the key, writes the file and opens it again before it says the backup is good.
import { useRef, useState } from 'react';
import type { IdentityOverview } from '../../../../shared/identity';
import { Announce } from '../../components/Announce';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { NewPassphrase, newPassphraseState } from '../../components/NewPassphrase';
import { useConfirmStep } from '../../components/useConfirmStep';
import { formatTimestamp } from '../../components/format';
import { useKeys } from '../../stores/keys';

function BackupResult() {
  const done = useKeys((s) => s.lastBackup);
  if (!done) return null;
  return (
    <div className="row-panel" data-testid="backup-done">
      <Announce of={done} message={`Key backup written and verified: ${done.path}.`} />
      <p>
        Written and verified by opening it again with the passphrase, {formatTimestamp(done.createdAt)}. Move it off this machine (removable media, a safe) and
        keep it apart from its passphrase.
      </p>
      <dl className="props">
        <dt>File</dt>
        <dd className="mono wrap" data-testid="backup-path">
          {done.path}
        </dd>
        <dt>Checksum</dt>
        <dd className="mono wrap" data-testid="backup-sha256">
          {done.sha256}
        </dd>
        <dt>Recorded in</dt>
        <dd className="mono wrap">{done.recordPath}</dd>
      </dl>
    </div>
  );
}

export function BackupCard({ identity }: { identity: IdentityOverview }) {
  const { backUp, isBackingUp, backupError, clearBackupError } = useKeys();
  const [path, setPath] = useState(identity.backup.suggestedPath);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const isReady = path.trim() !== '' && newPassphraseState(passphrase, repeat).isAcceptable;
  const { isConfirming, setConfirming, edit, submit } = useConfirmStep(isReady, clearBackupError);
  const openButton = useRef<HTMLButtonElement>(null);

  const write = async (): Promise<void> => {
    if (await backUp({ path: path.trim(), passphrase, overwrite })) {
      setPassphrase('');
      setRepeat('');
      setConfirming(false);
    }
  };

  return (
    <section className="card" aria-labelledby="backup-title">
      <h2 id="backup-title" className="card__title">
        Back up the identity key
      </h2>
      {identity.backup.isPossible ? (
        identity.backup.lastAt === null ? (
          <p className="form__warn" data-testid="backup-none">
            This key has no recorded backup: if this machine is lost, so is the organisation&apos;s identity.
          </p>
        ) : (
          <p className="card__note" data-testid="backup-last">
            Last backed up {formatTimestamp(identity.backup.lastAt)}.
          </p>
        )
      ) : null}
      {!identity.backup.isPossible ? (
        <p className="form__warn" data-testid="backup-impossible">
          {identity.backup.whyNot}
        </p>
      ) : (
        <form className="form" onSubmit={submit} data-testid="backup-form">
          <p className="card__note">
            The key is sealed under your passphrase (scrypt and AES-256-GCM) and written to the file you name. Whoever holds the file and the passphrase can act as{' '}
            <span className="mono">{identity.entityUri}</span>, so keep them apart.
          </p>
          <label className="field">
            <span className="field__label">Backup file (full path)</span>
            <input className="field__input mono" value={path} spellCheck={false} onChange={(e) => edit(() => setPath(e.target.value))} data-testid="backup-path-input" />
          </label>
          <NewPassphrase passphrase={passphrase} repeat={repeat} onPassphrase={(v) => edit(() => setPassphrase(v))} onRepeat={(v) => edit(() => setRepeat(v))} testId="backup" />
          <label className="field field--inline">
            <input type="checkbox" checked={overwrite} onChange={(e) => edit(() => setOverwrite(e.target.checked))} data-testid="backup-overwrite" />
            <span>Replace an earlier backup file at this path (never any other kind of file)</span>
          </label>
          {isConfirming ? (
            <ConfirmPanel
              label="Write the backup"
              question={
                <>
                  Seal the identity key <span className="mono">{identity.keyId.slice(0, 16)}…</span> under this passphrase and write it to{' '}
                  <span className="mono">{path.trim()}</span>? If you lose the passphrase the file cannot be opened; nobody can recover it.
                </>
              }
              onCancel={isBackingUp ? null : () => setConfirming(false)}
              returnFocus={() => openButton.current}
              testId="backup-confirm-panel"
            >
              {backupError ? <ErrorNotice error={backupError} /> : null}
              <div className="row-panel__actions">
                <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
                <button type="button" className="button button--primary" disabled={isBackingUp} onClick={() => void write()} data-testid="backup-confirm">
                  {isBackingUp ? 'Sealing and checking…' : 'Write the backup'}
                </button>
              </div>
            </ConfirmPanel>
          ) : (
            <button ref={openButton} type="submit" className="button button--primary" disabled={!isReady} data-testid="backup-open">
              Back up…
            </button>
          )}
        </form>
      )}
      <BackupResult />
    </section>
  );
}
