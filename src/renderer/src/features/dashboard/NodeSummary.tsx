// Who this node is and how it is configured, plus the counts an operator checks first.
import type { NodeStatus } from '../../../../shared/contract';
import { formatCount, formatTimestamp, formatUptime } from '../../components/format';

function Flag({ isOn, on, off }: { isOn: boolean; on: string; off: string }) {
  return <span className={`badge ${isOn ? 'badge--on' : 'badge--off'}`}>{isOn ? on : off}</span>;
}

export function NodeSummary({ status }: { status: NodeStatus }) {
  return (
    <>
      <section className="stats" aria-label="Counts">
        <div className="stat">
          <span className="stat__value" data-testid="fact-count">
            {formatCount(status.factCount)}
          </span>
          <span className="stat__label">Facts</span>
        </div>
        <div className="stat">
          <span className="stat__value" data-testid="garden-count">
            {formatCount(status.gardenCount)}
          </span>
          <span className="stat__label">Gardens</span>
        </div>
        <div className="stat">
          <span className="stat__value">{formatUptime(status.uptimeSeconds)}</span>
          <span className="stat__label">Uptime</span>
        </div>
      </section>

      <section className="card" aria-labelledby="node-title">
        <h2 id="node-title" className="card__title">
          Node
        </h2>
        <dl className="props">
          <dt>Node id</dt>
          <dd className="mono" data-testid="node-id">
            {status.nodeId}
          </dd>
          <dt>Advertised URL</dt>
          <dd className="mono" data-testid="node-url">
            {status.nodeUrl}
          </dd>
          <dt>Version</dt>
          <dd>
            {status.version} <span className="muted">· protocol {status.protocolVersion}</span>
          </dd>
          <dt>API keys</dt>
          <dd>
            <Flag isOn={status.isAuthRequired} on="Required" off="Not required" />
          </dd>
          <dt>Federation</dt>
          <dd>
            <Flag isOn={status.isFederationEnabled} on="Enabled" off="Disabled" />
          </dd>
          <dt>Transport</dt>
          <dd data-testid="node-transport">
            {status.tls ? (
              <>
                <Flag isOn on="mTLS" off="" />{' '}
                <span className="muted">
                  certificate for <span className="mono wrap">{status.tls.certificateUris.join(', ') || 'no node id'}</span>, valid until{' '}
                  {formatTimestamp(status.tls.validTo)}
                </span>
              </>
            ) : (
              <Flag isOn={false} on="" off="Plain HTTP" />
            )}
          </dd>
          <dt>Database</dt>
          <dd className="mono wrap">{status.dbPath}</dd>
          {status.dataBackup.lastAt !== null ? (
            <>
              <dt>Last backup</dt>
              <dd data-testid="data-backup-last">
                {formatTimestamp(status.dataBackup.lastAt)}
                {status.dataBackup.isAutomatic ? <span className="muted"> · automatic backups on</span> : null}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
    </>
  );
}
