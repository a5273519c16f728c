// Promote or reject the chosen facts: the operator says why, sees what it does, and confirms.
import { useState } from 'react';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useQuarantine } from '../../stores/quarantine';

/** The decision's outcome, where focus goes once the decided facts (and their buttons) are gone. */
export const DECISION_OUTCOME_ID = 'decision-outcome';

const EFFECT = {
  promote: 'They join this node\'s facts: recall and queries return them, and contradictions with existing facts are recorded.',
  reject: 'They stay stored for the record, read with confidence 0, and never appear in recall.',
};

export function DecisionBar() {
  const { selected, isDeciding, decide, decisionError } = useQuarantine();
  const [action, setAction] = useState<'promote' | 'reject' | null>(null);
  const [reason, setReason] = useState('');
  const count = selected.size;
  const needsReason = action === 'reject' && reason.trim() === '';
  const send = async (): Promise<void> => {
    if (action === null) return;
    if (await decide(action, reason)) {
      setAction(null);
      setReason('');
    }
  };

  return (
    <div className="decision-bar" data-testid="decision-bar">
      <div className="decision-bar__buttons">
        <span className="muted" aria-live="polite">{count === 0 ? 'Choose facts to decide on.' : `${count} chosen`}</span>
        <button type="button" className="button button--secondary" disabled={count === 0 || isDeciding} onClick={() => setAction('promote')} data-testid="promote-open">
          Promote…
        </button>
        <button type="button" className="button button--secondary" disabled={count === 0 || isDeciding} onClick={() => setAction('reject')} data-testid="reject-open">
          Reject…
        </button>
      </div>
      {action !== null && count > 0 ? (
        <ConfirmPanel
          label={`${action === 'promote' ? 'Promote' : 'Reject'} ${count} ${count === 1 ? 'fact' : 'facts'}`}
          question={`${action === 'promote' ? 'Promote' : 'Reject'} ${count} ${count === 1 ? 'fact' : 'facts'}? ${EFFECT[action]} A decision is final and recorded with your reason.`}
          onCancel={() => setAction(null)}
          returnFocus={() => document.getElementById(DECISION_OUTCOME_ID)}
          isDanger={action === 'reject'}
          testId="decision-panel"
        >
          <label className="field">
            <span className="field__label">Reason {action === 'reject' ? '(required)' : '(optional)'}</span>
            <input className="field__input" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} data-testid="decision-reason" />
          </label>
          {decisionError ? <ErrorNotice error={decisionError} /> : null}
          <div className="row-panel__actions">
            <button type="button" className="button button--secondary" onClick={() => setAction(null)}>
              Cancel
            </button>
            <button type="button" className={`button ${action === 'reject' ? 'button--danger' : 'button--primary'}`} disabled={needsReason || isDeciding} onClick={() => void send()} data-testid="decision-confirm">
              {isDeciding ? 'Recording…' : action === 'promote' ? `Promote ${count}` : `Reject ${count}`}
            </button>
          </div>
        </ConfirmPanel>
      ) : null}
    </div>
  );
}
