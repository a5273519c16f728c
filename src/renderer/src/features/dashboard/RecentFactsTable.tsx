// The latest facts written to this node, newest first.
import type { RecentFact } from '../../../../shared/contract';
import { FactRows } from '../../components/FactRows';

export function RecentFactsTable({ facts }: { facts: RecentFact[] }) {
  if (facts.length === 0) {
    return (
      <p className="empty" data-testid="facts-empty">
        No facts yet. Facts written to this node (<code>POST /v1/facts</code>) appear here.
      </p>
    );
  }
  return <FactRows facts={facts} testId="facts-table" rowTestId="fact-row" />;
}
