// The node's facts: searched by entity, relation, source and scope as GET /v1/facts does (newest first, retracted,
// contradicted and expired facts hidden), paged on request; a fact opens with its provenance.
import { useEffect, useState, type FormEvent } from 'react';
import { SCOPES, type FactScope } from '../../../../shared/facts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FactRows } from '../../components/FactRows';
import { keepFocusInside } from '../../components/focus';
import { formatCount } from '../../components/format';
import { useFacts } from '../../stores/facts';
import { FactDetailPanel } from './FactDetailPanel';
import { ScreenMain } from '../../components/ScreenMain';
import { PageButton } from '../../components/PageButton';
import { lastRowControl } from '../../components/focus';

function SearchForm() {
  const { filters, search, isLoading } = useFacts();
  const [entity, setEntity] = useState(filters.entity ?? '');
  const [relation, setRelation] = useState(filters.relation ?? '');
  const [source, setSource] = useState(filters.source ?? '');
  const [scope, setScope] = useState<FactScope | ''>(filters.scope ?? '');
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    void search({ ...(entity.trim() ? { entity: entity.trim() } : {}), ...(relation.trim() ? { relation: relation.trim() } : {}), ...(source.trim() ? { source: source.trim() } : {}), ...(scope ? { scope } : {}) });
  };
  return (
    <form className="form form--row" onSubmit={submit} onBlur={keepFocusInside} data-testid="facts-search">
      <label className="field">
        <span className="field__label">Entity</span>
        <input className="field__input mono" value={entity} spellCheck={false} onChange={(e) => setEntity(e.target.value)} data-testid="facts-entity" />
      </label>
      <label className="field">
        <span className="field__label">Relation</span>
        <input className="field__input mono" value={relation} spellCheck={false} onChange={(e) => setRelation(e.target.value)} data-testid="facts-relation" />
      </label>
      <label className="field">
        <span className="field__label">Source</span>
        <input className="field__input mono" value={source} spellCheck={false} onChange={(e) => setSource(e.target.value)} data-testid="facts-source" />
      </label>
      <label className="field">
        <span className="field__label">Scope</span>
        <select className="field__input" value={scope} onChange={(e) => setScope(e.target.value as FactScope | '')} data-testid="facts-scope">
          <option value="">any</option>
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button button--primary" disabled={isLoading} data-testid="facts-search-go">
        Search
      </button>
    </form>
  );
}

function Results() {
  const { facts, total, cursor, isLoading, more, open } = useFacts();
  if (total === null) return null;
  if (facts.length === 0) {
    return (
      <p className="empty" data-testid="facts-none">
        No fact matches.
      </p>
    );
  }
  return (
    <>
      <p className="card__note" data-testid="facts-total">
        {formatCount(total)} {total === 1 ? 'fact matches' : 'facts match'}, newest first.
      </p>
      <FactRows
        facts={facts}
        testId="facts-results"
        rowTestId="facts-row"
        action={(f) => (
          <button type="button" className="button button--secondary" onClick={() => void open(f.id)} data-testid="facts-open">
            Open<span className="visually-hidden"> {f.entity} {f.relation}</span>
          </button>
        )}
      />
      {cursor !== null ? (
        <PageButton isBusy={isLoading} onClick={() => void more()} fallback={lastRowControl('facts-results')} testId="facts-more">
          Older facts
        </PageButton>
      ) : null}
    </>
  );
}

export function FactsScreen() {
  const { search, filters, error, detail, detailError } = useFacts();

  useEffect(() => {
    void search(useFacts.getState().filters);
  }, [search]);

  return (
    <ScreenMain screen="facts" testId="facts-screen">
      <section className="card" aria-labelledby="facts-title">
        <h2 id="facts-title" className="card__title">
          Facts
        </h2>
        <SearchForm key={JSON.stringify(filters)} />
        {error ? <ErrorNotice error={error} /> : null}
        <Results />
      </section>
      {detailError ? <ErrorNotice error={detailError} /> : null}
      {detail ? <FactDetailPanel detail={detail} /> : null}
    </ScreenMain>
  );
}
