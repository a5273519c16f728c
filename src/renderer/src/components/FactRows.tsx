// Facts as table rows (entity, relation, value, source, scope, when written), for the Overview's latest facts and the
// Facts screen's results; `action` adds a button per row.
import type { ReactNode } from 'react';
import type { RecentFact } from '../../../shared/contract';
import { formatTimestamp } from './format';
import { Table } from './Table';

interface Props {
  facts: RecentFact[];
  testId: string;
  rowTestId: string;
  action?: (f: RecentFact) => ReactNode;
}

export function FactRows({ facts, testId, rowTestId, action }: Props) {
  return (
    <Table columns={['Entity', 'Relation', 'Value', 'Source', 'Scope', 'Written']} actions={action !== undefined} testId={testId}>
      {facts.map((f) => (
        <tr key={f.id} data-testid={rowTestId} data-fact-id={f.id}>
          <td className="mono fact-cell">{f.entity}</td>
          <td className="mono fact-cell">{f.relation}</td>
          <td className="table__value" title={f.valueType}>
            {f.value}
          </td>
          <td className="mono fact-cell">{f.source}</td>
          <td>
            <span className={`scope scope--${f.scope}`}>{f.scope}</span>
          </td>
          <td className="nowrap">{formatTimestamp(f.timestamp)}</td>
          {action ? <td>{action(f)}</td> : null}
        </tr>
      ))}
    </Table>
  );
}
