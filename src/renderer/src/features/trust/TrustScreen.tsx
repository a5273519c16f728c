// Trust tuning: the mode and threshold in force, each source's score and how it was reached, and operator scores.
import { Table } from '../../components/Table';
import { ListState } from '../../components/ListState';
import { useEffect } from 'react';
import { useTrust } from '../../stores/trust';
import { ScoreForm } from './ScoreForm';
import { SourceRow } from './SourceRow';
import { ScreenMain } from '../../components/ScreenMain';

export function TrustScreen() {
  const { overview, refresh } = useTrust();

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const settings = overview.value?.settings ?? null;
  const sources = overview.value?.sources ?? null;
  return (
    <ScreenMain screen="trust" testId="trust-screen">
      <div className="dashboard__grid">
        <section className="card" aria-labelledby="trust-settings-title">
          <h2 id="trust-settings-title" className="card__title">
            Trust settings
          </h2>
          {settings ? (
            <dl className="props">
              <dt>Mode</dt>
              <dd data-testid="trust-mode">{settings.mode}</dd>
              <dt>Quarantine below</dt>
              <dd data-testid="trust-threshold">{settings.threshold}</dd>
              <dt>Weights</dt>
              <dd className="small">
                {Object.entries(settings.weights)
                  .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`)
                  .join(' · ')}
              </dd>
            </dl>
          ) : null}
          <p className="card__note">Set by STIGMEM_TRUST_MODE, STIGMEM_TRUST_QUARANTINE_THRESHOLD and the weight variables when the node starts.</p>
        </section>
        <section className="card" aria-labelledby="trust-set-title">
          <h2 id="trust-set-title" className="card__title">
            Set a score
          </h2>
          <ScoreForm />
        </section>
      </div>
      <section className="card" aria-labelledby="trust-sources-title">
        <h2 id="trust-sources-title" className="card__title">
          Sources
        </h2>
        <ListState
          loadable={overview}
          items={sources}
          onRetry={() => void refresh()}
          empty={
            <p className="empty" data-testid="trust-empty">
              No sources yet: they appear when facts arrive from peers or token holders, or when you set a score.
            </p>
          }
        >
          {(list) => (
            <Table columns={['Source', 'Score', 'How', 'Formula', 'Seen']} actions testId="trust-table">
              {list.map((s) => (
                <SourceRow key={s.source} s={s} />
              ))}
            </Table>
          )}
        </ListState>
      </section>
    </ScreenMain>
  );
}
