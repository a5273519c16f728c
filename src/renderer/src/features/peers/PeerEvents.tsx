// The federation part of the audit log, newest first: registrations, pin changes, mismatches, removals, refusals.
import type { AuditEvent } from '../../../../shared/audit';
import { MAX_AUDIT_LIMIT } from '../../../../shared/audit';
import type { PeerSummary } from '../../../../shared/peers';
import { ListState } from '../../components/ListState';
import { usePeers } from '../../stores/peers';
import { EventsTable } from '../audit/EventsTable';
import { PageButton } from '../../components/PageButton';

function peerName(e: AuditEvent, peers: PeerSummary[] | null): string {
  if (e.peerId === null) return '—';
  return peers?.find((p) => p.id === e.peerId)?.url ?? `${e.peerId.slice(0, 8)}…`;
}

export function PeerEvents() {
  const { events, peers, eventsLimit, showMoreEvents, refresh } = usePeers();
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title" className="card__title">
        Federation activity
      </h2>
      <ListState loadable={events} items={events.value?.events ?? null} onRetry={() => void refresh()} empty={<p className="empty">Nothing yet: adding a peer is the first entry.</p>}>
        {(rows) => <EventsTable events={rows} about={(e) => peerName(e, peers.value)} aboutLabel="Peer" testId="events-table" />}
      </ListState>
      {events.value?.cursor && eventsLimit < MAX_AUDIT_LIMIT ? (
        <PageButton isBusy={events.phase === 'loading'} onClick={() => void showMoreEvents()} testId="events-more">
          Show older events
        </PageButton>
      ) : null}
    </section>
  );
}
