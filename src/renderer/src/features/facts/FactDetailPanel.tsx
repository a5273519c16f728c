// One fact in full: its fields, whether its CID still matches its content, and the record and provenance as the API
// serves them.
import { useEffect, useRef } from 'react';
import type { FactDetail } from '../../../../shared/facts';
import { focusFirst, isFocusLost } from '../../components/focus';
import { formatTimestamp } from '../../components/format';
import { useFacts } from '../../stores/facts';

export function FactDetailPanel({ detail }: { detail: FactDetail }) {
  const close = useFacts((s) => s.close);
  const f = detail.fact;
  const heading = useRef<HTMLHeadingElement>(null);
  // The panel opens below the results: bring it into view and give it focus, once per fact opened; closed, focus goes
  // back to the button that opened it.
  useEffect(() => {
    const opener = isFocusLost() ? null : (document.activeElement as HTMLElement);
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus({ preventScroll: true });
    return () => {
      if (isFocusLost()) focusFirst([opener]);
    };
  }, [f.id]);
  return (
    <section className="card" aria-labelledby="fact-detail-title" data-testid="fact-detail">
      <h2 id="fact-detail-title" className="card__title" tabIndex={-1} ref={heading} data-testid="fact-detail-title">
        Fact
      </h2>
      <dl className="props">
        <dt>Id</dt>
        <dd className="mono wrap" data-testid="fact-detail-id">
          {f.id}
        </dd>
        <dt>Entity</dt>
        <dd className="mono wrap">{f.entity}</dd>
        <dt>Relation</dt>
        <dd className="mono wrap">{f.relation}</dd>
        <dt>Value</dt>
        <dd className="wrap" title={f.valueType}>
          {f.value}
        </dd>
        <dt>Source</dt>
        <dd className="mono wrap">{f.source}</dd>
        <dt>Scope</dt>
        <dd>
          <span className={`scope scope--${f.scope}`}>{f.scope}</span>
        </dd>
        <dt>Confidence</dt>
        <dd>{f.confidence}</dd>
        <dt>Written</dt>
        <dd>{formatTimestamp(f.timestamp)}</dd>
        <dt>From peer</dt>
        <dd className="mono wrap">{f.receivedFrom ?? 'written here'}</dd>
        <dt>CID</dt>
        <dd className="mono wrap">
          {f.cid}{' '}
          {detail.cid.isValid ? (
            <span className="badge badge--on" data-testid="fact-cid-valid">
              matches its content
            </span>
          ) : (
            <span className="badge badge--off" data-testid="fact-cid-invalid">
              does not match its content (computed {detail.cid.computed})
            </span>
          )}
        </dd>
      </dl>
      <details className="fact-json">
        <summary>Record as served</summary>
        <pre className="mono" data-testid="fact-record">
          {detail.record}
        </pre>
      </details>
      <details className="fact-json" open>
        <summary>Provenance</summary>
        <pre className="mono" data-testid="fact-provenance">
          {detail.provenance}
        </pre>
      </details>
      <div className="row-panel__actions">
        <button type="button" className="button button--secondary" onClick={close} data-testid="fact-detail-close">
          Close
        </button>
      </div>
    </section>
  );
}
