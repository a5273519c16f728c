// One scored source: the score in use and how it was reached, and the operator's override of it.
import { useState } from 'react';
import type { TrustedSource } from '../../../../shared/trust';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatCount, formatTimestamp } from '../../components/format';
import { usePanelFocus } from '../../components/usePanelFocus';
import { useTrust } from '../../stores/trust';
import { ScoreForm } from './ScoreForm';

function How({ s }: { s: TrustedSource }) {
  if (s.origin === 'override' && s.override) {
    return (
      <>
        override{s.override.source !== s.source ? <> by prefix <span className="mono">{s.override.source}</span></> : null}, set by <span className="mono">{s.override.setBy}</span>{' '}
        {formatTimestamp(s.override.setAt)}
        {s.override.note ? <div className="muted">“{s.override.note}”</div> : null}
      </>
    );
  }
  if (s.origin === 'strict_unverified') return <>strict mode: no verified manifest covers this source</>;
  return <>computed</>;
}

/** The row's score form, opened in place: it takes focus, and Escape closes it. */
function SetPanel({ s, onDone }: { s: TrustedSource; onDone: () => void }) {
  const focusProps = usePanelFocus<HTMLDivElement>(onDone);
  return (
    <div {...focusProps} className="row-panel" role="group" aria-label={`Set the score of ${s.source}`} data-testid="trust-set-panel">
      <ScoreForm source={s.source} initial={s.score} onDone={onDone} />
    </div>
  );
}

export function SourceRow({ s }: { s: TrustedSource }) {
  const { clear, isSaving, changeError } = useTrust();
  const [panel, setPanel] = useState<'set' | 'clear' | null>(null);
  const ownOverride = s.override !== null && s.override.source === s.source;
  const clearError = panel === 'clear' && changeError !== null && changeError.source === s.source ? changeError.error : null;
  return (
    <>
      <tr data-testid="trust-row" data-source={s.source} data-origin={s.origin}>
        <td className="mono wrap source-cell">{s.source}</td>
        <td className="nowrap">
          <strong data-testid="trust-score">{s.score}</strong>{' '}
          {s.isBelowThreshold ? (
            <span className="badge badge--bad" data-testid="below-threshold">
              held
            </span>
          ) : null}
        </td>
        <td className="small note-cell">
          <How s={s} />
        </td>
        <td className="small">
          {s.computedScore}
          <div className="muted">
            {Object.entries(s.parts)
              .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`)
              .join(' · ')}
          </div>
        </td>
        <td className="small nowrap">
          {formatCount(s.factsSeen)} facts
          {s.lastSeenAt ? <div className="muted">last {formatTimestamp(s.lastSeenAt)}</div> : null}
        </td>
        <td className="nowrap">
          <div className="row-actions">
            <button type="button" className="button button--ghost" onClick={() => setPanel('set')} data-testid="trust-set-open">
              Set score…<span className="visually-hidden"> of {s.source}</span>
            </button>
            {ownOverride ? (
              <button type="button" className="button button--ghost" onClick={() => setPanel('clear')} data-testid="trust-clear-open">
                Remove override…<span className="visually-hidden"> of {s.source}</span>
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {panel !== null ? (
        <tr className="row-panel-row">
          <td colSpan={6}>
            {panel === 'set' ? (
              <SetPanel s={s} onDone={() => setPanel(null)} />
            ) : (
              <ConfirmPanel
                label={`Remove the override of ${s.source}`}
                question={
                  <>
                    Remove the operator score of <span className="mono">{s.source}</span>? Facts from it are then scored by the formula ({s.computedScore}
                    {s.origin === 'override' ? '' : ' now'}) or by a prefix override that covers it.
                  </>
                }
                onCancel={() => setPanel(null)}
                isDanger
                testId="trust-clear-panel"
              >
                {clearError ? <ErrorNotice error={clearError} /> : null}
                <div className="row-panel__actions">
                  <button type="button" className="button button--secondary" onClick={() => setPanel(null)}>
                    Keep it
                  </button>
                  <button type="button" className="button button--danger" disabled={isSaving} onClick={() => void clear(s.source).then((done) => done && setPanel(null))} data-testid="trust-clear-confirm">
                    Remove override
                  </button>
                </div>
              </ConfirmPanel>
            )}
          </td>
        </tr>
      ) : null}
    </>
  );
}
