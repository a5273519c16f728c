// Audit events as a table, newest first, refusals and failures marked.
import { ALARMING_EVENT_TYPES as ALARMING, type AuditEvent } from '../../../../shared/audit';
import { formatTimestamp } from '../../components/format';
import { Table } from '../../components/Table';

/** An event's name, marked by more than its colour when it is a refusal or failure. */
function EventName({ eventType }: { eventType: string }) {
  if (!ALARMING.has(eventType)) return <>{eventType}</>;
  return (
    <>
      <span className="badge__mark" aria-hidden="true">
        !
      </span>
      <span className="visually-hidden">refused or failed: </span>
      {eventType}
    </>
  );
}

/** `{"status": "active", "node_id": "…"}` → `status active · node_id …` (values as they are, objects as JSON). */
function describeDetail(detail: Record<string, unknown> | null): string {
  if (detail === null) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

/** `about` names what an event concerns (a peer's URL on the Peers screen; the subject or peer elsewhere). */
export function EventsTable({ events, about, aboutLabel, showCategory = false, testId, onPickType }: { events: AuditEvent[]; about: (e: AuditEvent) => string; aboutLabel: string; showCategory?: boolean; testId: string; onPickType?: (eventType: string) => void }) {
  return (
    <Table columns={['When', ...(showCategory ? ['Area'] : []), 'Event', aboutLabel, 'By', 'Detail']} testId={testId}>
      {events.map((e) => (
        <tr key={e.id} data-testid="event-row" data-event={e.eventType} data-category={e.category}>
          <td className="nowrap">{formatTimestamp(e.ts)}</td>
          {showCategory ? <td className="small">{e.category}</td> : null}
          <td>
            {onPickType ? (
              <button type="button" className={`badge badge--pick ${ALARMING.has(e.eventType) ? 'badge--bad' : 'badge--off'}`} title={`Show only ${e.eventType} events`} onClick={() => onPickType(e.eventType)} data-testid="event-type-pick">
                <EventName eventType={e.eventType} />
              </button>
            ) : (
              <span className={`badge ${ALARMING.has(e.eventType) ? 'badge--bad' : 'badge--off'}`}>
                <EventName eventType={e.eventType} />
              </span>
            )}
          </td>
          <td className="mono wrap">{about(e)}</td>
          <td className="mono wrap">{e.actor ?? '—'}</td>
          <td className="table__value small">{describeDetail(e.detail)}</td>
        </tr>
      ))}
    </Table>
  );
}
