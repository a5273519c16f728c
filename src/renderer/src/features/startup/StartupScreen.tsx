// What the desktop window shows before its node answers: the upgrade's progress, or why the node could not start.
import { useEffect, useRef } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { isFocusLost } from '../../components/focus';
import { Spinner } from '../../components/Spinner';
import { useStartup } from '../../stores/startup';
import { DamagedDatabaseRestore } from './DamagedDatabaseRestore';
import { FirstRunScreen } from './FirstRunScreen';

export function StartupScreen() {
  const { startup, error } = useStartup();
  const failedHeading = useRef<HTMLHeadingElement>(null);
  const hasFailed = startup?.phase === 'failed';
  // The failure replaces the screen the operator was on: a keyboard starts at its heading, then the restore form.
  useEffect(() => {
    if (hasFailed && isFocusLost()) failedHeading.current?.focus();
  }, [hasFailed]);

  if (error !== null) {
    return (
      <main className="centered startup" data-testid="startup" data-phase="unknown">
        <ErrorNotice error={error} />
      </main>
    );
  }
  if (startup?.phase === 'failed') {
    return (
      <main className="centered startup" data-testid="startup" data-phase="failed">
        <div className="first-run">
          <section className="card startup__card" role="alert">
            <h1 ref={failedHeading} className="startup__title" tabIndex={-1}>
              The node could not start
            </h1>
            <p className="startup__message" data-testid="startup-message">
              {startup.message}
            </p>
            {startup.damagedDatabase ? null : (
              <p className="startup__hint">
                Quit Stigmem, deal with what the message names, and start it again. A database upgrade step that fails
                changes nothing: the file keeps the last schema version it completed.
              </p>
            )}
          </section>
          {startup.damagedDatabase ? <DamagedDatabaseRestore damaged={startup.damagedDatabase} /> : null}
        </div>
      </main>
    );
  }
  if (startup?.phase === 'upgrading') {
    return (
      <main className="centered startup" data-testid="startup" data-phase="upgrading">
        <section className="card startup__card" aria-labelledby="startup-title">
          <h1 id="startup-title" className="startup__title">
            Upgrading the database
          </h1>
          <progress className="startup__progress" value={startup.step - 1} max={startup.steps} aria-label="Upgrade progress" />
          <p data-testid="startup-step">
            Step {startup.step} of {startup.steps}: schema {startup.schemaVersion} ({startup.migration})
          </p>
          <p className="startup__hint">
            A large database can take a minute or more. Each step is kept whole: if Stigmem is closed now, the next start
            continues from the last step completed.
          </p>
        </section>
      </main>
    );
  }
  if (startup?.phase === 'first-run') return <FirstRunScreen startup={startup} />;
  if (startup?.phase === 'maintenance') {
    return (
      <main className="centered startup" data-testid="startup" data-phase="maintenance">
        <section className="card startup__card" aria-labelledby="startup-title">
          <h1 id="startup-title" className="startup__title">
            {startup.task}
          </h1>
          <Spinner label="The node is stopped meanwhile and starts again after." />
        </section>
      </main>
    );
  }
  return (
    <main className="centered startup" data-testid="startup" data-phase="starting">
      <Spinner label="Starting the node…" />
    </main>
  );
}
