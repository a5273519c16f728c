// A list fetched from the node: its error with a retry, a spinner the first time, a line when it is empty, else the list.
import type { ReactNode } from 'react';
import type { Loadable } from '../stores/loadable';
import { ErrorNotice } from './ErrorNotice';
import { Spinner } from './Spinner';

export function ListState<T>({ loadable, items, onRetry, empty, children }: { loadable: Loadable<unknown>; items: T[] | null; onRetry: () => void; empty: ReactNode; children: (items: T[]) => ReactNode }) {
  return (
    <>
      {loadable.error ? <ErrorNotice error={loadable.error} onRetry={onRetry} /> : null}
      {items === null && loadable.phase !== 'error' ? <Spinner label="Loading…" /> : null}
      {items !== null && items.length === 0 ? empty : null}
      {items !== null && items.length > 0 ? children(items) : null}
    </>
  );
}
