// The node's database: where it is and how big, a backup taken while the node runs, and putting a backup back.
import { useEffect } from 'react';
import type { DataOverview } from '../../../../shared/data';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatCount, formatTimestamp } from '../../components/format';
import { Spinner } from '../../components/Spinner';
import { useData } from '../../stores/data';
import { formatBytes } from '../../../../shared/bytes';
import { AutomaticCard } from './AutomaticCard';
import { DataBackupCard } from './DataBackupCard';
import { DataRestoreCard } from './DataRestoreCard';
import { ScreenMain } from '../../components/ScreenMain';

function DatabaseCard({ data }: { data: DataOverview }) {
  return (
    <section className="card" aria-labelledby="database-title">
      <h2 id="database-title" className="card__title">
        Database
      </h2>
      <dl className="props">
        <dt>File</dt>
        <dd className="mono wrap" data-testid="data-db-path">
          {data.dbPath}
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(data.bytes)}</dd>
        {data.disk ? (
          <>
            <dt>Free on its disk</dt>
            <dd data-testid="data-disk-free" data-low={data.disk.isLow}>
              {formatBytes(data.disk.freeBytes)} of {formatBytes(data.disk.totalBytes)}
            </dd>
          </>
        ) : null}
        <dt>Facts</dt>
        <dd data-testid="data-facts">{formatCount(data.facts)}</dd>
        <dt>Last backup</dt>
        <dd data-testid="data-last-backup">
          {data.lastBackup ? (
            <>
              {formatTimestamp(data.lastBackup.at)} to <span className="mono wrap">{data.lastBackup.path}</span>
            </>
          ) : (
            'never'
          )}
        </dd>
      </dl>
      {data.disk?.isLow ? (
        <p className="form__warn" data-testid="data-disk-low">
          The disk is nearly full. When it fills, the node refuses writes and peers&apos; facts until space is freed; free space there or move
          the data folder to a larger disk.
        </p>
      ) : null}
      {data.isPossible && data.lastBackup === null ? (
        <p className="form__warn" data-testid="data-backup-never">
          This database has never been backed up: if the disk fails, its facts, peers and audit log go with it.
        </p>
      ) : null}
    </section>
  );
}

export function DataScreen() {
  const { overview, refresh } = useData();

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const data = overview.value;
  return (
    <ScreenMain screen="data" testId="data-screen">
      {overview.error ? <ErrorNotice error={overview.error} onRetry={() => void refresh()} /> : null}
      {data === null && overview.phase !== 'error' ? <Spinner label="Loading…" /> : null}
      {data ? (
        <div className="dashboard__grid">
          <div className="dashboard__column">
            <DatabaseCard data={data} />
            <DataRestoreCard data={data} />
          </div>
          <div className="dashboard__column">
            <DataBackupCard key={data.dbPath} data={data} />
            {data.isPossible ? <AutomaticCard key={data.automatic?.dir ?? 'off'} data={data} /> : null}
          </div>
        </div>
      ) : null}
    </ScreenMain>
  );
}
