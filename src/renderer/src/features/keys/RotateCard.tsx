// Rotate the identity key: the operator types the organisation's entity to confirm; the desktop stops its node, the
// old key signs the hand-over to a new one in the same store, manifests are re-signed and logged, the node restarts.
import { useRef, useState, type FormEvent } from 'react';
import { MIN_DUAL_TRUST_DAYS, type IdentityOverview } from '../../../../shared/identity';
import { Announce } from '../../components/Announce';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FingerprintBlock } from '../../components/Fingerprint';
import { formatTimestamp } from '../../components/format';
import { Spinner } from '../../components/Spinner';
import { useKeys } from '../../stores/keys';
import { transport } from '../../transport';

function RotationResult() {
  const done = useKeys((s) => s.lastRotation);
  if (!done) return null;
  return (
    <div className="row-panel" data-testid="rotation-done">
      <Announce of={done} message={`Key rotated ${formatTimestamp(done.rotatedAt)}. Back up the new key now.`} />
      <p>Rotated {formatTimestamp(done.rotatedAt)}.</p>
      <FingerprintBlock value={done.current.fingerprint}>The new key: read it to peers&apos; operators so they re-pin it.</FingerprintBlock>
      <dl className="props">
        <dt>Retired key</dt>
        <dd className="mono wrap" data-testid="rotation-previous">
          {done.previous.keyId}
        </dd>
        <dt>Still trusted until</dt>
        <dd data-testid="rotation-until">{formatTimestamp(done.dualTrustExpiresAt)}</dd>
        <dt>Manifests re-signed</dt>
        <dd className="mono wrap lines">{done.manifestsResigned.length > 0 ? done.manifestsResigned.join('\n') : 'none published'}</dd>
      </dl>
      <p className="form__warn">Back up the new key now: earlier backups hold the retired one.</p>
    </div>
  );
}

export function RotateCard({ identity }: { identity: IdentityOverview }) {
  const { rotate, isRotating, rotateError } = useKeys();
  const [typed, setTyped] = useState('');
  const [isConfirming, setConfirming] = useState(false);
  const isReady = typed.trim() === identity.entityUri && identity.rotation.isPossible;
  const isConsole = transport.adminKey !== null;
  const openButton = useRef<HTMLButtonElement>(null);

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (isReady) setConfirming(true);
  };

  const go = async (): Promise<void> => {
    if (await rotate({ confirmEntity: typed.trim() })) {
      setTyped('');
      setConfirming(false);
    }
  };

  return (
    <section className="card" aria-labelledby="rotate-title">
      <h2 id="rotate-title" className="card__title">
        Rotate the identity key
      </h2>
      <p className="card__note">
        A new key replaces this one in the same store; the old key signs the hand-over, every published manifest is re-signed and logged, and tokens the
        old key signed keep verifying for {MIN_DUAL_TRUST_DAYS} days (the window peers apply). Peers that pinned this key must re-pin the new one.
      </p>
      {isConsole ? (
        <p className="card__note" data-testid="rotate-elsewhere">
          Rotation needs the node stopped: stop <span className="mono">stigmem serve</span>, run <span className="mono">stigmem identity rotate-key</span> in its
          folder, and start it again. The desktop app does this for you.
        </p>
      ) : !identity.rotation.isPossible ? (
        <p className="form__warn" data-testid="rotate-blocked">
          {identity.rotation.whyNot}
        </p>
      ) : isRotating ? (
        <Spinner label="Stopping the node, rotating the key, starting the node again…" />
      ) : (
        <form className="form" onSubmit={submit} data-testid="rotate-form">
          <label className="field">
            <span className="field__label">
              Type <span className="mono">{identity.entityUri}</span> to confirm
            </span>
            <input className="field__input mono" value={typed} spellCheck={false} onChange={(e) => (setTyped(e.target.value), setConfirming(false))} data-testid="rotate-confirm-entity" />
          </label>
          {isConfirming ? (
            <ConfirmPanel
              label="Rotate the key"
              question={
                <>
                  Rotate the key of <span className="mono">{identity.entityUri}</span> now? The node stops for a moment. The key{' '}
                  <span className="mono">{identity.keyId.slice(0, 16)}…</span> is retired; tokens it signed keep verifying for {MIN_DUAL_TRUST_DAYS} days. This cannot be
                  undone.
                </>
              }
              onCancel={() => setConfirming(false)}
              returnFocus={() => openButton.current}
              isDanger
              testId="rotate-confirm-panel"
            >
              {rotateError ? <ErrorNotice error={rotateError} /> : null}
              <div className="row-panel__actions">
                <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
                <button type="button" className="button button--danger" onClick={() => void go()} data-testid="rotate-go">
                  Rotate now
                </button>
              </div>
            </ConfirmPanel>
          ) : (
            <>
              {rotateError ? <ErrorNotice error={rotateError} /> : null}
              <button ref={openButton} type="submit" className="button button--primary" disabled={!isReady} data-testid="rotate-open">
                Rotate…
              </button>
            </>
          )}
        </form>
      )}
      <RotationResult />
    </section>
  );
}
