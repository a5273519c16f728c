// Quarantine review: facts held because their source's trust was below the threshold, to promote or reject.
import { useEffect } from 'react';
import { QUARANTINE_VIEWS } from '../../../../shared/quarantine';
import { Announce } from '../../components/Announce';
import { formatCount, formatTimestamp } from '../../components/format';
import { ListState } from '../../components/ListState';
import { Table } from '../../components/Table';
import { ViewSwitch } from '../../components/ViewSwitch';
import { QUARANTINE_PAGE, useQuarantine } from '../../stores/quarantine';
import { DECISION_OUTCOME_ID, DecisionBar } from './DecisionBar';
import { ScreenMain } from '../../components/ScreenMain';
import { PageButton } from '../../components/PageButton';

// The node's codes for a fact it left alone, in the words an operator needs.
const LEFT_ALONE: Record<string, string> = {
  fact_not_quarantine_pending: 'it was already decided (by someone else, or in another window) before this decision arrived.',
  quarantined_fact_not_found: 'no held fact has this id any more.',
};

/** The pager's remaining button, where focus goes when the first or last page takes the other away. */
const otherPageButton = (): HTMLElement | null => document.querySelector<HTMLElement>('[data-testid=quarantine-pager] button');

/** "Showing 101–200 of 340 pending", with the newer and older pages a click away. */
function Pager() {
  const { view, offset, page, goTo } = useQuarantine();
  const value = page.value;
  if (value === null || value.items.length === 0) return null;
  const isBusy = page.phase === 'loading';
  return (
    <div className="pager" data-testid="quarantine-pager">
      <span className="muted" data-testid="quarantine-showing">
        Showing {formatCount(offset + 1)}–{formatCount(offset + value.items.length)} of {formatCount(value.total)} {view}
      </span>
      {offset > 0 ? (
        <PageButton className="button button--ghost" isBusy={isBusy} onClick={() => void goTo(offset - QUARANTINE_PAGE)} fallback={otherPageButton} testId="quarantine-newer">
          Newer
        </PageButton>
      ) : null}
      {offset + value.items.length < value.total ? (
        <PageButton className="button button--ghost" isBusy={isBusy} onClick={() => void goTo(offset + QUARANTINE_PAGE)} fallback={otherPageButton} testId="quarantine-older">
          Older
        </PageButton>
      ) : null}
    </div>
  );
}

function Outcome() {
  const outcome = useQuarantine((s) => s.outcome);
  if (outcome === null) return null;
  const { decided, refused } = outcome.result;
  const done = outcome.action === 'promote' ? 'promoted' : 'rejected';
  return (
    // Focus comes here once the decided facts are gone; the words are said by the page's live region.
    <div id={DECISION_OUTCOME_ID} className="outcome" tabIndex={-1} data-testid="decision-outcome">
      <Announce of={outcome} message={`${formatCount(decided.length)} ${done}.${refused.length > 0 ? ` ${formatCount(refused.length)} left as they were.` : ''}`} />
      <p className="form__done">
        {formatCount(decided.length)} {done}.
      </p>
      {refused.map((r) => (
        <p key={r.factId} className="form__warn" data-testid="decision-refused">
          <span className="mono">{r.factId}</span> was left as it was: {LEFT_ALONE[r.code] ?? r.message}
        </p>
      ))}
    </div>
  );
}

export function QuarantineScreen() {
  const { view, page, selected, show, refresh, toggle, selectAll } = useQuarantine();

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const items = page.value?.items ?? null;
  const isPending = view === 'pending';
  const allChosen = items !== null && items.length > 0 && items.every((i) => selected.has(i.factId));

  return (
    <ScreenMain screen="quarantine" testId="quarantine-screen">
      <section className="card" aria-labelledby="quarantine-title">
        <div className="card__header">
          <h2 id="quarantine-title" className="card__title">
            Quarantine
          </h2>
          <ViewSwitch label="Which facts" options={QUARANTINE_VIEWS} chosen={view} onChoose={(v) => void show(v)} nameOf={(v) => v} testIdOf={(v) => `view-${v}`} />
        </div>
        <p className="card__note">
          Facts from peers and token holders whose source trust is below the threshold wait here. Nothing here is recalled until it is promoted.
          {page.value ? <span data-testid="quarantine-total"> {formatCount(page.value.total)} {view}.</span> : null}
        </p>
        {isPending ? <DecisionBar /> : null}
        <Outcome />
        <Pager />
        <ListState
          loadable={page}
          items={items}
          onRetry={() => void refresh()}
          empty={
            <p className="empty" data-testid="quarantine-empty">
              No {view} facts.
            </p>
          }
        >
          {(list) => (
            <Table
              columns={[
                ...(isPending
                  ? [
                      <label key="all" className="choose-all">
                        <input type="checkbox" checked={allChosen} onChange={(e) => selectAll(e.target.checked)} data-testid="choose-all" />
                        <span data-testid="choose-all-label">all {formatCount(items?.length ?? 0)} shown</span>
                      </label>,
                    ]
                  : []),
                'Fact',
                'Value',
                'Source (trust)',
                'Held because',
                isPending ? 'Arrived' : 'Decided',
              ]}
              testId="quarantine-table"
            >
              {list.map((i) => (
                <tr key={i.factId} data-testid="quarantine-row" data-fact-id={i.factId}>
                  {isPending ? (
                    <td>
                      <input type="checkbox" aria-label={`Choose ${i.entity} ${i.relation}`} checked={selected.has(i.factId)} onChange={() => toggle(i.factId)} data-testid="choose" />
                    </td>
                  ) : null}
                  <td>
                    <div className="mono wrap">{i.entity}</div>
                    <div className="mono small muted">
                      {i.relation} · <span className={`scope scope--${i.scope}`}>{i.scope}</span>
                    </div>
                  </td>
                  <td className="table__value quarantine-value" title={i.valueType}>
                    {i.value}
                  </td>
                  <td>
                    <div className="mono wrap">{i.source}</div>
                    <div className="small muted">
                      trust {i.sourceTrust ?? '—'}
                      {i.receivedFrom ? ` · via ${i.receivedFrom}` : ''}
                    </div>
                  </td>
                  <td className="small">{i.reason ?? '—'}</td>
                  <td className="nowrap small">
                    {isPending ? (
                      formatTimestamp(i.timestamp)
                    ) : (
                      <>
                        {i.decidedAt ? formatTimestamp(i.decidedAt) : '—'}
                        <div className="muted wrap">by {i.decidedBy ?? '—'}</div>
                        {i.decisionReason ? <div className="muted wrap" data-testid="decision-reason-shown">“{i.decisionReason}”</div> : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </ListState>
      </section>
    </ScreenMain>
  );
}
