// One peer: where it is, the pinned key, how replication goes, and the two changes an operator makes to it.
import { useState } from 'react';
import type { PeerSummary } from '../../../../shared/peers';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatCount, formatTimestamp, formatUptime } from '../../components/format';
import { useFieldProblem } from '../../components/useFieldProblem';
import { usePanelFocus } from '../../components/usePanelFocus';
import { usePeers } from '../../stores/peers';
import { KeyCheck, useFingerprint } from './KeyCheck';

const STATUS_CLASS: Record<string, string> = { active: 'badge--on', key_mismatch: 'badge--bad', unreachable: 'badge--warn' };

function RepinPanel({ peer, onDone }: { peer: PeerSummary; onDone: () => void }) {
  const { repin, busy, changeError } = usePeers();
  const [publicKey, setPublicKey] = useState('');
  const [matches, setMatches] = useState(false);
  const { fingerprint, isChecked } = useFingerprint(publicKey.trim());
  const error = changeError?.kind === 'repin' ? changeError.error : null;
  const keyIsWrong = publicKey.trim() !== '' && isChecked && fingerprint === null;
  const keyProblem = useFieldProblem(keyIsWrong ? 'That is not a 32-byte Ed25519 public key in base64url (43 characters).' : null, { testId: 'repin-key-error' });
  const isSameKey = publicKey.trim() !== '' && publicKey.trim().replace(/=+$/, '') === peer.publicKey;
  const send = async (): Promise<void> => {
    if ((await repin(peer.id, publicKey.trim())) !== null) onDone();
  };
  const focusProps = usePanelFocus<HTMLDivElement>(onDone);
  return (
    <div {...focusProps} className="row-panel" role="group" aria-label={`Re-pin ${peer.url}`} data-testid="repin-panel">
      <label className="field">
        <span className="field__label">The new federation public key of {peer.url}</span>
        <input className="field__input" value={publicKey} onChange={(e) => (setPublicKey(e.target.value), setMatches(false))} spellCheck={false} {...keyProblem.fieldProps} data-testid="repin-key" />
      </label>
      {keyProblem.message}
      {isSameKey ? (
        <p className="muted" data-testid="repin-same-key">
          This is the key pinned now: pinning it again checks the peer against it once more.
        </p>
      ) : null}
      {fingerprint !== null ? <KeyCheck fingerprint={fingerprint} who={peer.url} matches={matches} onMatches={setMatches} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      <div className="row-panel__actions">
        <button type="button" className="button button--secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="button button--primary" disabled={!matches || busy !== null} onClick={() => void send()} data-testid="repin-submit">
          {busy === 'repin' ? 'Checking the peer…' : 'Pin the new key'}
        </button>
      </div>
    </div>
  );
}

function RemovePanel({ peer, onDone }: { peer: PeerSummary; onDone: () => void }) {
  const { remove, busy, changeError } = usePeers();
  const error = changeError?.kind === 'remove' ? changeError.error : null;
  const send = async (): Promise<void> => {
    if ((await remove(peer.id)) !== null) onDone();
  };
  const question = (
    <>
      Stop replicating with <span className="mono">{peer.url}</span>? Its pull stops at once. The {formatCount(peer.factsReceived)} facts it sent stay in this
      node, and it can be added again later.
    </>
  );
  return (
    <ConfirmPanel label={`Remove ${peer.url}`} question={question} onCancel={onDone} isDanger testId="remove-panel">
      {error ? <ErrorNotice error={error} /> : null}
      <div className="row-panel__actions">
        <button type="button" className="button button--secondary" onClick={onDone}>
          Keep it
        </button>
        <button type="button" className="button button--danger" disabled={busy !== null} onClick={() => void send()} data-testid="remove-confirm">
          {busy === 'remove' ? 'Removing…' : 'Remove peer'}
        </button>
      </div>
    </ConfirmPanel>
  );
}

export function PeerRow({ peer }: { peer: PeerSummary }) {
  const [panel, setPanel] = useState<'repin' | 'remove' | null>(null);
  const close = (): void => setPanel(null);
  return (
    <>
      <tr data-testid="peer-row" data-peer-id={peer.id} data-status={peer.status}>
        <td className="peer-cell">
          <div className="mono wrap">{peer.url}</div>
          {peer.nodeId ? <div className="muted mono small wrap">{peer.nodeId}</div> : null}
        </td>
        <td>
          <span className={`badge ${STATUS_CLASS[peer.status] ?? 'badge--off'}`} data-testid="peer-status">
            {peer.status}
          </span>
          {peer.error ? (
            <div className="peer-error" data-testid="peer-error">
              {peer.error}
            </div>
          ) : null}
        </td>
        <td className="mono peer-fingerprint" data-testid="peer-fingerprint">
          {peer.fingerprint ?? '—'}
        </td>
        <td className="nowrap">
          {peer.lastPull ? formatTimestamp(peer.lastPull) : 'not yet'}
          {peer.pullLagMs !== null ? (
            // pull_lag_ms: the age of the newest fact received, so it grows on a quiet peer while pulls succeed.
            <div className="muted small" title={`pull_lag_ms ${formatCount(peer.pullLagMs)}: how long ago the newest fact received from this peer was written there`} data-testid="peer-lag">
              newest fact {peer.pullLagMs < 1000 ? `${peer.pullLagMs} ms` : formatUptime(peer.pullLagMs / 1000)} old
            </div>
          ) : null}
        </td>
        <td className="nowrap" data-testid="peer-facts">
          {formatCount(peer.factsReceived)}
          {peer.factsRejected > 0 ? <div className="muted small">{formatCount(peer.factsRejected)} rejected</div> : null}
        </td>
        <td className="nowrap">
          <div className="row-actions">
            <button type="button" className="button button--ghost" onClick={() => setPanel('repin')} data-testid="repin-open">
              Re-pin…<span className="visually-hidden"> {peer.url}</span>
            </button>
            <button type="button" className="button button--ghost" onClick={() => setPanel('remove')} data-testid="remove-open">
              Remove…<span className="visually-hidden"> {peer.url}</span>
            </button>
          </div>
        </td>
      </tr>
      {panel !== null ? (
        <tr className="row-panel-row">
          <td colSpan={6}>{panel === 'repin' ? <RepinPanel peer={peer} onDone={close} /> : <RemovePanel peer={peer} onDone={close} />}</td>
        </tr>
      ) : null}
    </>
  );
}
