// The first screen: what needs the operator, the node's identity and health, and what was written to it lately.
import { useEffect } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { useDashboard } from '../../stores/dashboard';
import { AttentionCard } from './AttentionCard';
import { IdentityKeyCard } from './IdentityKeyCard';
import { NodeSummary } from './NodeSummary';
import { RecentFactsTable } from './RecentFactsTable';
import { ScreenMain } from '../../components/ScreenMain';

export function DashboardScreen() {
  const { status, facts, refresh } = useDashboard();

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const retry = (): void => void refresh();
  // When the node is unreachable both requests fail alike; one notice is enough.
  const factsError = facts.error && facts.error.code !== status.error?.code ? facts.error : null;

  return (
    <ScreenMain screen="overview" testId="dashboard">
      {status.error ? <ErrorNotice error={status.error} onRetry={retry} /> : null}
      {status.value === null && status.phase !== 'error' ? <Spinner label="Loading node status…" /> : null}
      {status.value ? <AttentionCard items={status.value.attention} /> : null}
      {status.value ? (
        <div className="dashboard__grid">
          <div className="dashboard__column">
            <NodeSummary status={status.value} />
          </div>
          <div className="dashboard__column">
            <IdentityKeyCard status={status.value} />
          </div>
        </div>
      ) : null}

      <section className="card" aria-labelledby="facts-title">
        <div className="card__header">
          <h2 id="facts-title" className="card__title">
            Recent facts
          </h2>
          {facts.phase === 'loading' && facts.value !== null ? <Spinner label="Refreshing…" /> : null}
        </div>
        {factsError ? <ErrorNotice error={factsError} onRetry={retry} /> : null}
        {facts.value === null && facts.phase !== 'error' ? <Spinner label="Loading facts…" /> : null}
        {facts.value ? <RecentFactsTable facts={facts.value} /> : null}
      </section>
    </ScreenMain>
  );
}
