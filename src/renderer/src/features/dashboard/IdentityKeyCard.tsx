// The node's public identity: where the private key is kept, and the fingerprint peers compare when pairing.
import type { NodeStatus } from '../../../../shared/contract';
import { Fingerprint } from '../../components/Fingerprint';

export function IdentityKeyCard({ status }: { status: NodeStatus }) {
  return (
    <section className="card" aria-labelledby="key-title">
      <h2 id="key-title" className="card__title">
        Identity key
      </h2>
      <div className="fingerprint-block">
        <Fingerprint value={status.fingerprint} />
        <span className="fingerprint-block__caption">Fingerprint: peers compare this when they pair with this node.</span>
      </div>
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
      <p className="card__note">The private key never leaves its store; this app can only ask the node to sign.</p>
    </section>
  );
}
