// What needs the operator (an expiring manifest, a key or database never backed up, failing peers or backups, facts
// waiting in quarantine), each with the screen that deals with it; nothing is shown when nothing does.
import type { AttentionItem } from '../../../../shared/contract';
import { useNav } from '../../stores/nav';

const SCREEN_LABEL: Record<NonNullable<AttentionItem['screen']>, string> = {
  manifest: 'Manifest',
  keys: 'Keys',
  peers: 'Peers',
  data: 'Data',
  quarantine: 'Quarantine',
};

export function AttentionCard({ items }: { items: AttentionItem[] }) {
  const show = useNav((s) => s.show);
  if (items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="attention-title" data-testid="attention">
      <div className="card__header">
        <h2 id="attention-title" className="card__title">
          Needs attention
        </h2>
      </div>
      {items.map((item) => (
        <div key={item.code} className="row-panel" data-testid="attention-item" data-code={item.code}>
          <p className="form__warn">{item.message}</p>
          {item.screen !== null ? (
            <div className="row-panel__actions">
              <button type="button" className="button" onClick={() => show(item.screen!)} data-testid={`attention-go-${item.code}`}>
                Open {SCREEN_LABEL[item.screen]}
              </button>
            </div>
          ) : null}
        </div>
      ))}
    </section>
  );
}
