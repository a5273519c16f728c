// One error, said plainly: what happened, what to do, and the node's own words with the code for a bug report.
import type { ContractError } from '../../../shared/result';
import { describeError } from './errorMessages';

/** `id`: for the field the error is about to point at (aria-describedby). */
export function ErrorNotice({ error, onRetry, id }: { error: ContractError; onRetry?: () => void; id?: string }) {
  const { title, hint } = describeError(error);
  return (
    <div id={id} className="notice notice--error" role="alert" data-testid="error-notice" data-code={error.code}>
      <div className="notice__body">
        <strong className="notice__title">{title}</strong>
        <p className="notice__hint">{hint}</p>
        <p className="notice__detail">
          {error.message} <code className="notice__code">{error.code}</code>
        </p>
      </div>
      {onRetry ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
