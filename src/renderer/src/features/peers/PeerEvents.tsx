// The federation audit log, newest first: registrations, pin changes, mismatches, removals, rejected facts.
import type { FederationEvent, PeerSummary } from '../../../../shared/peers';
import { MAX_EVENTS_LIMIT } from '../../../../shared/peers';
import { ListState } from '../../components/ListState';
import { Table } from '../../components/Table';
import { formatTimestamp } from '../../components/format';
import { usePeers } from '../../stores/peers';

// Events an operator should look at: a refusal or a failure, as opposed to ordinary progress.
const ALARMING = new Set(['signature_mismatch', 'scope_violation', 'rejected_fact', 'peer_approval_failed', 'rejected_token', 'replay_attempt', 'pull_failed', 'capability_rejected']);

/** `{"status": "active", "node_id": "…"}` → `status active · node_id …` (values as they are, objects as JSON). */
function describeDetail(detail: Record<string, unknown> | null): string {
  if (detail === null) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

function peerName(e: FederationEvent, peers: PeerSummary[] | null): string {
  if (e.peerId === null) return '—';
  return peers?.find((p) => p.id === e.peerId)?.url ?? `${e.peerId.slice(0, 8)}…`;
}

export function PeerEvents() {
  const { events, peers, eventsLimit, showMoreEvents, refresh } = usePeers();
  const list = events.value?.events ?? null;
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title" className="card__title">
        Federation activity
      </h2>
      <ListState loadable={events} items={list} onRetry={() => void refresh()} empty={<p className="empty">Nothing yet: adding a peer is the first entry.</p>}>
        {(rows) => (
          <Table columns={['When', 'Event', 'Peer', 'By', 'Detail']} testId="events-table">
            {rows.map((e) => (
              <tr key={e.id} data-testid="event-row" data-event={e.eventType}>
                <td className="nowrap">{formatTimestamp(e.ts)}</td>
                <td>
                  <span className={`badge ${ALARMING.has(e.eventType) ? 'badge--bad' : 'badge--off'}`}>{e.eventType}</span>
                </td>
                <td className="mono wrap">{peerName(e, peers.value)}</td>
                <td className="mono wrap">{e.actor ?? '—'}</td>
                <td className="table__value small">{describeDetail(e.detail)}</td>
              </tr>
            ))}
          </Table>
        )}
      </ListState>
      {events.value?.cursor && eventsLimit < MAX_EVENTS_LIMIT ? (
        <button type="button" className="button button--secondary" onClick={() => void showMoreEvents()} data-testid="events-more">
          Show older events
        </button>
      ) : null}
    </section>
  );
}
