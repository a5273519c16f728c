// A scrollable table with a header row; `actions` adds an unlabeled last column for row buttons.
import type { ReactNode } from 'react';

export function Table({ columns, actions = false, testId, children }: { columns: ReactNode[]; actions?: boolean; testId: string; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
            {actions ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
