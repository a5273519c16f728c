// The org manifest: which key speaks for this organisation and which entities it covers, signed by this node and
// appended to its transparency log. Tokens are issued, and peers verify this node by entity, only under one.
import { useEffect, useRef, useState } from 'react';
import type { ManifestState } from '../../../../shared/manifest';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FingerprintBlock } from '../../components/Fingerprint';
import { formatTimestamp } from '../../components/format';
import { Spinner } from '../../components/Spinner';
import { useManifest } from '../../stores/manifest';
import { ExportCard } from './ExportCard';
import { entityLines, ManifestFields, type ValidDays } from './ManifestFields';
import { ScreenMain } from '../../components/ScreenMain';

const DAY_MS = 86_400_000;

function CurrentCard({ state }: { state: ManifestState }) {
  const c = state.current;
  const daysLeft = c ? Math.floor((Date.parse(c.expiresAt) - Date.now()) / DAY_MS) : null;
  return (
    <section className="card" aria-labelledby="manifest-title">
      <h2 id="manifest-title" className="card__title">
        Published manifest
      </h2>
      {c === null ? (
        <p className="form__warn" data-testid="manifest-none">
          None published, or the last one expired: capability tokens cannot be issued, and peers cannot verify this organisation by its entity.
        </p>
      ) : (
        <dl className="props" data-testid="manifest-current">
          <dt>Covers</dt>
          <dd className="mono wrap lines" data-testid="manifest-entities">
            {c.entities.join('\n')}
          </dd>
          <dt>Valid until</dt>
          <dd data-testid="manifest-expires">
            {formatTimestamp(c.expiresAt)}
            {daysLeft !== null && daysLeft < 30 ? <span className="badge badge--warn"> {daysLeft} days left</span> : null}
          </dd>
          <dt>Published</dt>
          <dd>
            {formatTimestamp(c.publishedAt)} by <span className="mono">{c.publishedBy}</span>, log entry <span data-testid="manifest-log-index">{c.logIndex}</span>
          </dd>
          <dt>Key rotations</dt>
          <dd>{c.rotationCount}</dd>
        </dl>
      )}
      <FingerprintBlock value={state.fingerprint}>
        The org key that signs it, for <span className="mono">{state.entityUri}</span>.
      </FingerprintBlock>
    </section>
  );
}

function PublishCard({ state }: { state: ManifestState }) {
  const { publish, isPublishing, publishError, clearPublishError } = useManifest();
  const [entities, setEntities] = useState((state.current?.entities ?? [state.entityUri, `${state.entityUri}/agent/assistant`]).join('\n'));
  const [validDays, setValidDays] = useState<ValidDays>(365);
  const [isConfirming, setConfirmingOnly] = useState(false);
  // Editing or cancelling takes the question back, and with it the refusal of the last attempt.
  const setConfirming = (on: boolean): void => {
    setConfirmingOnly(on);
    clearPublishError();
  };
  const list = entityLines(entities);
  const until = formatTimestamp(new Date(Date.now() + validDays * DAY_MS).toISOString());
  const openButton = useRef<HTMLButtonElement>(null);

  const send = async (): Promise<void> => {
    if (await publish({ entities: list, validDays })) setConfirmingOnly(false);
  };

  return (
    <section className="card" aria-labelledby="publish-title">
      <h2 id="publish-title" className="card__title">
        {state.current ? 'Publish an update' : 'Publish the manifest'}
      </h2>
      <div className="form">
        <ManifestFields
          entities={entities}
          validDays={validDays}
          onEntities={(text) => (setEntities(text), setConfirming(false))}
          onValidDays={(days) => (setValidDays(days), setConfirming(false))}
          rows={4}
          testIds={{ entities: 'manifest-entities-input', validity: 'manifest-validity' }}
        />
        {isConfirming ? (
          <ConfirmPanel
            label="Publish the manifest"
            question={
              <>
                Sign with the org key a manifest for <span className="mono">{state.entityUri}</span> covering {list.length} {list.length === 1 ? 'entity' : 'entities'},
                valid until {until}? It is appended to this node&apos;s transparency log for good, and replaces the current one for everyone who fetches it.
              </>
            }
            onCancel={() => setConfirming(false)}
            returnFocus={() => openButton.current}
            testId="manifest-confirm-panel"
          >
            {publishError ? <ErrorNotice error={publishError} /> : null}
            <div className="row-panel__actions">
              <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" className="button button--primary" disabled={isPublishing} onClick={() => void send()} data-testid="manifest-publish-confirm">
                {isPublishing ? 'Signing…' : 'Sign and publish'}
              </button>
            </div>
          </ConfirmPanel>
        ) : (
          <button ref={openButton} type="button" className="button button--primary" disabled={list.length === 0} onClick={() => setConfirming(true)} data-testid="manifest-publish-open">
            Sign and publish…
          </button>
        )}
      </div>
    </section>
  );
}

export function ManifestScreen() {
  const { state, refresh } = useManifest();

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <ScreenMain screen="manifest" testId="manifest-screen">
      {state.error ? <ErrorNotice error={state.error} onRetry={() => void refresh()} /> : null}
      {state.value === null && state.phase !== 'error' ? <Spinner label="Loading…" /> : null}
      {state.value ? (
        <div className="dashboard__grid">
          <div className="dashboard__column">
            <CurrentCard state={state.value} />
          </div>
          <div className="dashboard__column">
            {/* Keyed by the manifest in force, so each starts from it; the two keys differ, or React mistakes one card for the other. */}
            <PublishCard key={`publish-${state.value.current?.logIndex ?? 'none'}`} state={state.value} />
            <ExportCard key={`export-${state.value.current?.logIndex ?? 'none'}`} state={state.value} />
          </div>
        </div>
      ) : null}
    </ScreenMain>
  );
}
