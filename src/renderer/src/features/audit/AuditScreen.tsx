// The node's audit log: federation, facts (quarantine decisions, conflict resolutions), admin (API keys, gardens, trust,
// settings, backups) and identity (the key, manifests, tokens, rotations), newest first.
import { AUDIT_CATEGORIES, type AuditEvent } from '../../../../shared/audit';
import { useEffect } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { ViewSwitch } from '../../components/ViewSwitch';
import { useAudit } from '../../stores/audit';
import { EventsTable } from './EventsTable';
import { ScreenMain } from '../../components/ScreenMain';
import { PageButton } from '../../components/PageButton';
import { lastRowControl } from '../../components/focus';

const about = (e: AuditEvent): string => e.subject ?? (e.peerId !== null ? `peer ${e.peerId.slice(0, 8)}…` : '—');

export function AuditScreen() {
  const { category, eventType, events, cursor, isLoading, error, show, onlyType, loadOlder } = useAudit();

  useEffect(() => {
    void show(useAudit.getState().category);
  }, [show]);

  return (
    <ScreenMain screen="audit" testId="audit-screen">
      <section className="card" aria-labelledby="audit-title">
        <div className="card__header">
          <h2 id="audit-title" className="card__title">
            Audit log
          </h2>
          <ViewSwitch label="Which events" options={[null, ...AUDIT_CATEGORIES]} chosen={category} onChoose={(c) => void show(c)} nameOf={(c) => c ?? 'all'} testIdOf={(c) => `audit-${c ?? 'all'}`} />
        </div>
        {eventType !== null ? (
          <p className="card__note" data-testid="audit-type-filter">
            Only <span className="mono">{eventType}</span> events.{' '}
            <button type="button" className="button button--secondary" onClick={() => void onlyType(null)} data-testid="audit-type-clear">
              Show every type
            </button>
          </p>
        ) : (
          <p className="card__note">Choose an event's name to see only events of that type.</p>
        )}
        {error ? <ErrorNotice error={error} onRetry={() => void show(category)} /> : null}
        {events === null && isLoading ? <Spinner label="Loading…" /> : null}
        {events !== null && events.length === 0 ? <p className="empty">No events here yet.</p> : null}
        {events !== null && events.length > 0 ? <EventsTable events={events} about={about} aboutLabel="About" showCategory={category === null} testId="audit-table" onPickType={(t) => void onlyType(t)} /> : null}
        {cursor ? (
          <PageButton isBusy={isLoading} onClick={() => void loadOlder()} fallback={lastRowControl('audit-table')} testId="audit-older">
            {isLoading ? 'Loading…' : 'Show older events'}
          </PageButton>
        ) : null}
      </section>
    </ScreenMain>
  );
}
