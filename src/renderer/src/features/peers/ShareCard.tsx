// What the other operator needs to add this node: its URL, the key to pin, and the fingerprint to read aloud.
import type { NodeStatus } from '../../../../shared/contract';
import { FingerprintBlock } from '../../components/Fingerprint';

export function ShareCard({ status }: { status: NodeStatus | null }) {
  return (
    <section className="card" aria-labelledby="share-title">
      <h2 id="share-title" className="card__title">
        This node, for your peer
      </h2>
      {status === null ? null : (
        <>
          <FingerprintBlock value={status.federationFingerprint}>Read this to the other operator when they pin your key.</FingerprintBlock>
          <dl className="props">
            <dt>URL</dt>
            <dd className="mono wrap" data-testid="self-url">
              {status.nodeUrl}
            </dd>
            <dt>Federation key</dt>
            <dd className="mono wrap" data-testid="self-federation-key">
              {status.federationPublicKey}
            </dd>
          </dl>
          {status.isFederationEnabled ? null : (
            <p className="card__note" data-testid="federation-off">
              Replication is off on this node (STIGMEM_FEDERATION_ENABLED): peers can be added, but nothing is pulled until it is on.
            </p>
          )}
        </>
      )}
    </section>
  );
}
