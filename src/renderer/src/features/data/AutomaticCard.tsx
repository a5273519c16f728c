// Automatic database backups: a folder, how often and how many to keep, set here (or by STIGMEM_BACKUP_DIR, which
// this card then only shows); the next run, and the last failure while there is one.
import { useRef, useState, type FormEvent } from 'react';
import { MAX_BACKUPS_KEPT, type DataOverview } from '../../../../shared/data';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { keepFocusInside } from '../../components/focus';
import { formatTimestamp } from '../../components/format';
import { useFieldProblem } from '../../components/useFieldProblem';
import { useData } from '../../stores/data';

const INTERVALS: [number, string][] = [
  [60, 'every hour'],
  [360, 'every 6 hours'],
  [1440, 'every day'],
  [10080, 'every week'],
];

function every(minutes: number): string {
  return INTERVALS.find(([m]) => m === minutes)?.[1] ?? `every ${minutes} minutes`;
}

export function AutomaticCard({ data }: { data: DataOverview }) {
  const { setSchedule, isSavingSchedule, scheduleError } = useData();
  const auto = data.automatic;
  const [dir, setDir] = useState(auto?.dir ?? '');
  const [interval, setIntervalMinutes] = useState(auto?.intervalMinutes ?? 1440);
  const [keep, setKeep] = useState(String(auto?.keep ?? 7));
  const [isConfirmingOff, setConfirmingOff] = useState(false);
  const offButton = useRef<HTMLButtonElement>(null);
  const keepN = Number(keep);
  const keepIsValid = /^\s*\d+\s*$/.test(keep) && Number.isInteger(keepN) && keepN >= 1 && keepN <= MAX_BACKUPS_KEPT;
  const isValid = dir.trim() !== '' && keepIsValid;
  const keepProblem = useFieldProblem(keepIsValid ? null : `Keep a whole number of backups, from 1 to ${MAX_BACKUPS_KEPT}.`, { testId: 'data-automatic-keep-error' });
  const save = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (isValid) void setSchedule({ dir: dir.trim(), intervalMinutes: interval, keep: keepN });
  };

  return (
    <section className="card" aria-labelledby="automatic-title">
      <h2 id="automatic-title" className="card__title">
        Automatic backups
      </h2>
      {auto ? (
        <p className="card__note" data-testid="data-automatic">
          {every(auto.intervalMinutes)[0]!.toUpperCase() + every(auto.intervalMinutes).slice(1)} into <span className="mono wrap">{auto.dir}</span>, keeping the newest{' '}
          {auto.keep}
          {auto.nextAt ? `; the next ${formatTimestamp(auto.nextAt)}` : ''}.
        </p>
      ) : (
        <p className="card__note" data-testid="data-automatic-off">
          Off. The node can take a backup itself on a schedule, into a folder on another disk, keeping the newest few and removing only its own older ones.
        </p>
      )}
      {auto?.lastError ? (
        <p className="form__warn" data-testid="data-automatic-error">
          The last automatic backup failed ({auto.lastError}); it is tried again every ten minutes.
        </p>
      ) : null}
      {auto?.source === 'environment' ? (
        <p className="card__note" data-testid="data-automatic-env">
          Set by <span className="mono">STIGMEM_BACKUP_DIR</span> (with <span className="mono">STIGMEM_BACKUP_INTERVAL_MIN</span> and{' '}
          <span className="mono">STIGMEM_BACKUP_KEEP</span>); change them there.
        </p>
      ) : (
        <form className="form" onSubmit={save} onBlur={keepFocusInside} data-testid="data-automatic-form">
          <label className="field">
            <span className="field__label">Folder (full path)</span>
            <input className="field__input mono" value={dir} spellCheck={false} onChange={(e) => setDir(e.target.value)} data-testid="data-automatic-dir" />
          </label>
          <label className="field">
            <span className="field__label">How often</span>
            <select className="field__input" value={interval} onChange={(e) => setIntervalMinutes(Number(e.target.value))} data-testid="data-automatic-interval">
              {(INTERVALS.some(([m]) => m === interval) ? INTERVALS : [...INTERVALS, [interval, every(interval)] as [number, string]]).map(([m, label]) => (
                <option key={m} value={m}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Backups to keep</span>
            <input className="field__input" inputMode="numeric" value={keep} onChange={(e) => setKeep(e.target.value)} {...keepProblem.fieldProps} data-testid="data-automatic-keep" />
          </label>
          {keepProblem.message}
          {scheduleError ? <ErrorNotice error={scheduleError} /> : null}
          <div className="form__action">
            <button type="submit" className="button button--primary" disabled={!isValid || isSavingSchedule} data-testid="data-automatic-save">
              {auto ? 'Save' : 'Turn on'}
            </button>
            {auto && !isConfirmingOff ? (
              <button ref={offButton} type="button" className="button button--secondary" disabled={isSavingSchedule} onClick={() => setConfirmingOff(true)} data-testid="data-automatic-off-open">
                Turn off…
              </button>
            ) : null}
          </div>
          {auto && isConfirmingOff ? (
            <ConfirmPanel
              label="Turn off automatic backups"
              question={
                <>
                  Turn off automatic backups? The node stops backing itself up into <span className="mono wrap">{auto.dir}</span>; the backups already there are kept.
                </>
              }
              onCancel={() => setConfirmingOff(false)}
              returnFocus={() => offButton.current}
              isDanger
              testId="data-automatic-off-panel"
            >
              <div className="row-panel__actions">
                <button type="button" className="button button--secondary" onClick={() => setConfirmingOff(false)}>
                  Keep them on
                </button>
                <button
                  type="button"
                  className="button button--danger"
                  disabled={isSavingSchedule}
                  onClick={() => void setSchedule({ dir: null, intervalMinutes: auto.intervalMinutes, keep: auto.keep }).then((done) => done && setConfirmingOff(false))}
                  data-testid="data-automatic-off-go"
                >
                  Turn off
                </button>
              </div>
            </ConfirmPanel>
          ) : null}
        </form>
      )}
    </section>
  );
}
