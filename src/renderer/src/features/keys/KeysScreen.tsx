// The node's identity key: who it is to peers (fingerprints and a QR code of the public bundle to scan when pairing),
// a backup sealed under a passphrase, and the signed ceremony record of what was done with the key.
import { useEffect } from 'react';
import type { CeremonyRecordState, IdentityOverview } from '../../../../shared/identity';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FingerprintBlock } from '../../components/Fingerprint';
import { formatTimestamp } from '../../components/format';
import { Spinner } from '../../components/Spinner';
import { Table } from '../../components/Table';
import { useKeys } from '../../stores/keys';
import { BackupCard } from './BackupCard';
import { QrCode } from './QrCode';
import { RotateCard } from './RotateCard';
import { ScreenMain } from '../../components/ScreenMain';

const STEP_LABELS: Record<string, string> = {
  init: 'Key generated',
  backup: 'Backup written',
  restore: 'Restored from a backup',
  manifest_sign: 'Manifest signed offline',
  rotate_key: 'Key rotated',
};

function IdentityCard({ identity }: { identity: IdentityOverview }) {
  return (
    <section className="card" aria-labelledby="identity-title">
      <h2 id="identity-title" className="card__title">
        Identity key
      </h2>
      <FingerprintBlock value={identity.fingerprint}>Read this out to a peer&apos;s operator, or let them scan the code below.</FingerprintBlock>
      <div className="qr-block">
        <QrCode grid={identity.qr} label={`QR code of this node's public key and identity, for ${identity.entityUri}`} />
        <p className="card__note">Public facts only: the organisation, the public key, its key id and the node id.</p>
      </div>
      <dl className="props">
        <dt>Organisation</dt>
        <dd className="mono wrap">{identity.entityUri}</dd>
        <dt>Approval fingerprint</dt>
        <dd className="mono wrap" data-testid="approval-fingerprint">
          {identity.approvalFingerprint}
        </dd>
        <dt>Kept in</dt>
        <dd data-testid="keys-custody">{identity.keyCustody}</dd>
        <dt>Node id</dt>
        <dd className="mono wrap">{identity.nodeId}</dd>
        <dt>Key id</dt>
        <dd className="mono wrap">{identity.keyId}</dd>
        <dt>Public key</dt>
        <dd className="mono wrap" data-testid="keys-public-key">
          {identity.publicKey}
        </dd>
      </dl>
    </section>
  );
}

function RecordCard({ record }: { record: CeremonyRecordState }) {
  return (
    <section className="card" aria-labelledby="record-title">
      <h2 id="record-title" className="card__title">
        Ceremony record
      </h2>
      <p className="card__note">
        One line per step, each signed by the key it names; it never holds a secret. Kept at <span className="mono wrap">{record.path}</span>.
      </p>
      {record.state === 'absent' ? (
        <p className="card__note" data-testid="record-absent">
          No record yet: the first backup starts one (so does <span className="mono">stigmem ceremony init</span> on an offline machine).
        </p>
      ) : null}
      {record.state === 'invalid' ? (
        <p className="form__warn lines" data-testid="record-invalid">
          The record does not verify, so it may have been altered:{'\n'}
          {record.problems}
        </p>
      ) : null}
      {record.state === 'verified' ? (
        <>
          <p className="badge badge--on" data-testid="record-verified">
            {record.lines} {record.lines === 1 ? 'line' : 'lines'}, every signature verifies
          </p>
          <Table columns={['Step', 'When', 'Key id']} testId="record-steps">
            {record.steps.map((s) => (
              <tr key={s.line} data-step={s.step}>
                <td>{STEP_LABELS[s.step] ?? s.step}</td>
                <td>{formatTimestamp(s.at)}</td>
                <td className="mono">{s.keyId.slice(0, 16)}…</td>
              </tr>
            ))}
          </Table>
          {record.notes.map((n) => (
            <p key={n} className="card__note">
              {n}
            </p>
          ))}
        </>
      ) : null}
    </section>
  );
}

export function KeysScreen() {
  const { overview, refresh } = useKeys();

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const identity = overview.value;
  return (
    <ScreenMain screen="keys" testId="keys-screen">
      {overview.error ? <ErrorNotice error={overview.error} onRetry={() => void refresh()} /> : null}
      {identity === null && overview.phase !== 'error' ? <Spinner label="Loading…" /> : null}
      {identity ? (
        <div className="dashboard__grid">
          <div className="dashboard__column">
            <IdentityCard identity={identity} />
            <RotateCard identity={identity} />
          </div>
          <div className="dashboard__column">
            <BackupCard key={identity.keyId} identity={identity} />
            <RecordCard record={identity.record} />
          </div>
        </div>
      ) : null}
    </ScreenMain>
  );
}
