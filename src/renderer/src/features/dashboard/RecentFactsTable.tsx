// The latest facts written to this node, newest first.
import type { RecentFact } from '../../../../shared/contract';
import { formatTimestamp } from '../../components/format';

export function RecentFactsTable({ facts }: { facts: RecentFact[] }) {
  if (facts.length === 0) {
    return (
      <p className="empty" data-testid="facts-empty">
        No facts yet. Facts written to this node (<code>POST /v1/facts</code>) appear here.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table" data-testid="facts-table">
        <thead>
          <tr>
            <th scope="col">Entity</th>
            <th scope="col">Relation</th>
            <th scope="col">Value</th>
            <th scope="col">Source</th>
            <th scope="col">Scope</th>
            <th scope="col">Written</th>
          </tr>
        </thead>
        <tbody>
          {facts.map((f) => (
            <tr key={f.id} data-testid="fact-row" data-fact-id={f.id}>
              <td className="mono">{f.entity}</td>
              <td className="mono">{f.relation}</td>
              <td className="table__value" title={f.valueType}>
                {f.value}
              </td>
              <td className="mono">{f.source}</td>
              <td>
                <span className={`scope scope--${f.scope}`}>{f.scope}</span>
              </td>
              <td className="nowrap">{formatTimestamp(f.timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
