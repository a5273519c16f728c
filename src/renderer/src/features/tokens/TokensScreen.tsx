// Capability tokens: issuing write tokens to another organisation's agents, and revoking them.
import { Table } from '../../components/Table';
import { ListState } from '../../components/ListState';
import { useEffect, useState } from 'react';
import type { IssuedToken } from '../../../../shared/tokens';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatTimestamp } from '../../components/format';
import { useDashboard } from '../../stores/dashboard';
import { useTokens } from '../../stores/tokens';
import { IssueCard } from './IssueCard';
import { ScreenMain } from '../../components/ScreenMain';

const STATUS_CLASS: Record<string, string> = { active: 'badge--on', revoked: 'badge--bad' };

function RevokePanel({ token, onDone }: { token: IssuedToken; onDone: () => void }) {
  const { revoke, busy, changeError } = useTokens();
  const [reason, setReason] = useState('');
  const error = changeError?.kind === 'revoke' ? changeError.error : null;
  const question = (
    <>
      Revoke this token of <span className="mono">{token.subject}</span>? Writes with it are refused from now on, and the signed revocation is published for
      other nodes. It cannot be undone.
    </>
  );
  return (
    <ConfirmPanel label={`Revoke the token of ${token.subject}`} question={question} onCancel={onDone} isDanger testId="revoke-panel">
      <label className="field">
        <span className="field__label">Reason (required; published with the revocation)</span>
        <input className="field__input" value={reason} maxLength={1024} onChange={(e) => setReason(e.target.value)} data-testid="revoke-reason" />
      </label>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="row-panel__actions">
        <button type="button" className="button button--secondary" onClick={onDone}>
          Keep it
        </button>
        <button type="button" className="button button--danger" disabled={reason.trim() === '' || busy !== null} onClick={() => void revoke(token.tokenId, reason).then((done) => done && onDone())} data-testid="revoke-confirm">
          {busy === 'revoke' ? 'Revoking…' : 'Revoke token'}
        </button>
      </div>
    </ConfirmPanel>
  );
}

function TokenRow({ t }: { t: IssuedToken }) {
  const [isRevoking, setRevoking] = useState(false);
  const wasAlreadyRevoked = useTokens((s) => isRevoking && t.status !== 'active' && s.changeError?.kind === 'revoke' && s.changeError.error.code === 'conflict');
  return (
    <>
      <tr data-testid="token-row" data-token-id={t.tokenId} data-status={t.status}>
        <td className="mono wrap source-cell">{t.subject}</td>
        <td className="mono wrap">
          {t.verb} <span className="muted">under</span> {t.object}
        </td>
        <td className="nowrap small">{formatTimestamp(t.issuedAt)}</td>
        <td className="nowrap small">{formatTimestamp(t.expiry)}</td>
        <td>
          <span className={`badge ${STATUS_CLASS[t.status] ?? 'badge--off'}`} data-testid="token-status">
            {t.status}
          </span>
          {t.revokeReason ? <div className="small muted wrap">“{t.revokeReason}”</div> : null}
          {wasAlreadyRevoked ? (
            <div className="small form__warn" data-testid="revoke-already">
              Already revoked elsewhere before yours arrived.
            </div>
          ) : null}
        </td>
        <td className="nowrap">
          {t.status === 'active' ? (
            <button type="button" className="button button--ghost" onClick={() => setRevoking(true)} data-testid="revoke-open">
              Revoke…<span className="visually-hidden"> the token of {t.subject}</span>
            </button>
          ) : null}
        </td>
      </tr>
      {/* Revoked meanwhile (a refusal refreshes the list): nothing is left to confirm. */}
      {isRevoking && t.status === 'active' ? (
        <tr className="row-panel-row">
          <td colSpan={6}>
            <RevokePanel token={t} onDone={() => setRevoking(false)} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function TokensScreen() {
  const { tokens, refresh, clearChangeError } = useTokens();
  const status = useDashboard((s) => s.status);

  useEffect(() => {
    clearChangeError();
    void refresh();
  }, [refresh, clearChangeError]);

  return (
    <ScreenMain screen="tokens" testId="tokens-screen">
      <IssueCard issuer={status.value?.orgEntityUri ?? null} />
      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title" className="card__title">
          Tokens this node issued
        </h2>
        <ListState loadable={tokens} items={tokens.value} onRetry={() => void refresh()} empty={<p className="empty" data-testid="tokens-empty">No tokens issued yet.</p>}>
          {(list) => (
            <Table columns={['Subject', 'Grant', 'Issued', 'Expires', 'Status']} actions testId="tokens-table">
              {list.map((t) => (
                <TokenRow key={t.tokenId} t={t} />
              ))}
            </Table>
          )}
        </ListState>
      </section>
    </ScreenMain>
  );
}
