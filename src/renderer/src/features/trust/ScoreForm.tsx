// Setting an operator score for a source (or every source under a prefix), with what it will do before it is saved.
import { useState, type FormEvent } from 'react';
import { sourceUriProblem } from '../../../../shared/trust';
import { Announce } from '../../components/Announce';
import { ErrorNotice } from '../../components/ErrorNotice';
import { keepFocusInside } from '../../components/focus';
import { useFieldProblem } from '../../components/useFieldProblem';
import { useTrust } from '../../stores/trust';

/** What a score does to facts from the source, against the quarantine threshold. */
export function scoreEffect(score: number, threshold: number, mode: string): string {
  if (mode === 'off') return 'Trust mode is off: nothing is held in quarantine whatever the score.';
  return score < threshold
    ? `Below the threshold (${threshold}): facts from it arriving by federation or token are held in quarantine.`
    : `At or above the threshold (${threshold}): facts from it are admitted; recall weighs them by this score.`;
}

export function ScoreForm({ source: fixedSource, initial, onDone }: { source?: string; initial?: number; onDone?: () => void }) {
  const { overview, set, isSaving, changeError, lastSaved } = useTrust();
  const [source, setSource] = useState(fixedSource ?? '');
  const [score, setScore] = useState(String(initial ?? 0.5));
  const [note, setNote] = useState('');
  const value = Number(score);
  const sourceProblem = fixedSource === undefined ? sourceUriProblem(source) : null;
  const isScoreValid = score.trim() !== '' && Number.isFinite(value) && value >= 0 && value <= 1;
  const isValid = isScoreValid && sourceProblem === null;
  const sourceMessage = useFieldProblem(source.trim() !== '' ? sourceProblem : null, { testId: 'score-source-error' });
  const scoreMessage = useFieldProblem(isScoreValid ? null : 'A score is a number from 0 to 1.', { testId: 'score-value-error' });
  const settings = overview.value?.settings;
  const error = changeError !== null && changeError.source === source.trim() ? changeError.error : null;

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (!isValid) return;
    if (await set(source.trim(), value, note)) {
      if (fixedSource === undefined) setSource('');
      setNote('');
      onDone?.();
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} onBlur={keepFocusInside} data-testid="score-form">
      {fixedSource === undefined ? (
        <label className="field">
          <span className="field__label">Source URI, or a prefix for every source under it</span>
          <input className="field__input" value={source} onChange={(e) => setSource(e.target.value)} placeholder="stigmem://partner.example/agent/" {...sourceMessage.fieldProps} data-testid="score-source" />
        </label>
      ) : null}
      {sourceMessage.message}
      <label className="field">
        <span className="field__label">Score (0 to 1)</span>
        <input className="field__input" type="number" min={0} max={1} step={0.05} value={score} onChange={(e) => setScore(e.target.value)} {...scoreMessage.fieldProps} data-testid="score-value" />
      </label>
      {scoreMessage.message}
      {isValid && settings ? (
        <p className="card__note" data-testid="score-effect">
          {scoreEffect(value, settings.threshold, settings.mode)}
        </p>
      ) : null}
      <label className="field">
        <span className="field__label">Note (optional, kept with the override)</span>
        <input className="field__input" value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} data-testid="score-note" />
      </label>
      {error ? <ErrorNotice error={error} /> : null}
      {fixedSource === undefined && lastSaved !== null ? (
        <p className="form__done" data-testid="score-saved">
          <Announce of={lastSaved} message={`Saved: ${lastSaved.source} scores ${lastSaved.override?.score ?? lastSaved.score}.`} />
          Saved: <span className="mono">{lastSaved.source}</span> scores {lastSaved.override?.score ?? lastSaved.score}.
        </p>
      ) : null}
      <div className="row-panel__actions">
        {onDone ? (
          <button type="button" className="button button--secondary" onClick={onDone}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="button button--primary" disabled={!isValid || isSaving} data-testid="score-save">
          {isSaving ? 'Saving…' : 'Set this score'}
        </button>
      </div>
    </form>
  );
}
