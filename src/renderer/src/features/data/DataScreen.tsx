// The node's database: where it is and how big, a backup taken while the node runs, and putting a backup back.
import { useEffect } from 'react';
import type { DataOverview } from '../../../../shared/data';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatCount, formatTimestamp } from '../../components/format';
import { Spinner } from '../../components/Spinner';
import { useData } from '../../stores/data';
import { formatBytes } from './BackupFacts';
import { DataBackupCard } from './DataBackupCard';
import { DataRestoreCard } from './DataRestoreCard';

function every(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? 'every day' : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} hours`;
  return `every ${minutes} minutes`;
}

function AutomaticBackups({ automatic }: { automatic: DataOverview['automatic'] }) {
  if (automatic === null) {
    return (
      <p className="card__note" data-testid="data-automatic-off">
        Automatic backups are off: set <span className="mono">STIGMEM_BACKUP_DIR</span> (and <span className="mono">STIGMEM_BACKUP_INTERVAL_MIN</span>,{' '}
        <span className="mono">STIGMEM_BACKUP_KEEP</span>) to have the node take them itself.
      </p>
    );
  }
  return (
    <>
      <p className="card__note" data-testid="data-automatic">
        Automatic backups {every(automatic.intervalMinutes)} into <span className="mono wrap">{automatic.dir}</span>, keeping the newest {automatic.keep}
        {automatic.nextAt ? `; the next ${formatTimestamp(automatic.nextAt)}` : ''}.
      </p>
      {automatic.lastError ? (
        <p className="form__warn" data-testid="data-automatic-error">
          The last automatic backup failed ({automatic.lastError}); it is tried again every ten minutes.
        </p>
      ) : null}
    </>
  );
}

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
      {data.isPossible ? <AutomaticBackups automatic={data.automatic} /> : null}
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
    <main className="dashboard" data-testid="data-screen">
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
          </div>
        </div>
      ) : null}
    </main>
  );
}
