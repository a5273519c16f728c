// The node's public identity: where the private key is kept, and the fingerprint peers compare when pairing.
import type { NodeStatus } from '../../../../shared/contract';
import { FingerprintBlock } from '../../components/Fingerprint';
import { formatTimestamp } from '../../components/format';

/** When this key was last backed up (a key never backed up is on the Overview's attention list). */
function BackupStatus({ status }: { status: NodeStatus }) {
  if (!status.keyBackup.isPossible || status.keyBackup.lastAt === null) return null;
  return (
    <p className="card__note" data-testid="key-backup-last">
      Last backed up {formatTimestamp(status.keyBackup.lastAt)}.
    </p>
  );
}

export function IdentityKeyCard({ status }: { status: NodeStatus }) {
  return (
    <section className="card" aria-labelledby="key-title">
      <h2 id="key-title" className="card__title">
        Identity key
      </h2>
      <FingerprintBlock value={status.fingerprint}>Fingerprint: peers compare this when they pair with this node.</FingerprintBlock>
      <dl className="props">
        <dt>Kept in</dt>
        <dd data-testid="key-custody">{status.keyCustody}</dd>
        <dt>Key id</dt>
        <dd className="mono wrap" data-testid="key-id">
          {status.keyId}
        </dd>
        <dt>Public key</dt>
        <dd className="mono wrap" data-testid="public-key">
          {status.publicKey}
        </dd>
      </dl>
      {status.retiredKeys.length > 0 && (
        <div className="retired-keys" data-testid="retired-keys">
          <h3 className="card__subtitle">Retired keys still trusted</h3>
          <p className="card__note">Capability tokens these keys signed before the rotation stay valid until the window closes or the token expires.</p>
          <ul className="retired-keys__list">
            {status.retiredKeys.map((k) => (
              <li key={k.keyId} data-testid="retired-key" data-key-id={k.keyId}>
                <span className="mono">{k.fingerprint}</span>
                <span className="retired-keys__when">
                  retired {formatTimestamp(k.rotatedAt)}, trusted until <span data-testid="retired-key-until">{formatTimestamp(k.trustedUntil)}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <BackupStatus status={status} />
      <p className="card__note">The private key never leaves its store; this app can only ask the node to sign.</p>
    </section>
  );
}
