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
            <dt>Node id</dt>
            <dd className="mono wrap" data-testid="self-node-id">
              {status.nodeId}
            </dd>
          </dl>
          {status.tls ? (
            <p className="card__note" data-testid="self-mtls">
              Peers connect over mutual TLS: their certificates must come from the same CA as this node&apos;s and name their own node
              id, as this node&apos;s names {status.tls.certificateUris.join(', ') || 'no node id'}.
            </p>
          ) : null}
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
