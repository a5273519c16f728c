// What a database backup holds, as the Data screen lists it after a backup and before a restore.
import type { DataBackupInfo } from '../../../../shared/data';
import { formatBytes } from '../../../../shared/bytes';
import { formatCount, formatTimestamp } from '../../components/format';

export function BackupFacts({ info }: { info: DataBackupInfo }) {
  return (
    <dl className="props" data-testid="data-backup-facts">
      <dt>File</dt>
      <dd className="mono wrap" data-testid="data-info-path">
        {info.path}
      </dd>
      <dt>Sealed</dt>
      <dd data-testid="data-info-sealed">{info.sealed ? 'yes, under a passphrase' : 'no'}</dd>
      <dt>Taken</dt>
      <dd>{formatTimestamp(info.takenAt)}</dd>
      <dt>Organisation</dt>
      <dd className="mono wrap">{info.entityUri}</dd>
      <dt>Facts</dt>
      <dd data-testid="data-info-facts">{formatCount(info.facts)}</dd>
      <dt>Peers</dt>
      <dd>{formatCount(info.peers)}</dd>
      <dt>Size</dt>
      <dd>{formatBytes(info.bytes)}</dd>
      <dt>Identity key id</dt>
      <dd className="mono wrap">{info.keyId.slice(0, 16)}…</dd>
    </dl>
  );
}
