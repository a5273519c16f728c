// The Data screen's restore in the desktop: checked against the running node, then the node is stopped, the backup is
// put in place by the CLI's restore service, and the node starts again on the restored data.
import type { DataRestoreDone, DataRestoreInput } from '../../shared/data.js';
import type { Result } from '../../shared/result.js';
import { dataRestorePrecheck } from '../node/console/dataHandlers.js';
import { restoreData } from '../node/data/restore.js';
import type { DesktopNodeHost, HostedNode } from './nodeHost.js';

export const DATA_RESTORE_TASK = 'Restoring the database from a backup';

export function restoreDataOperation<T extends HostedNode>(host: DesktopNodeHost<T>): (args: DataRestoreInput) => Promise<Result<DataRestoreDone>> {
  return async (args) => {
    // A node that could not start on its damaged database: the backup goes back over it, and the node starts.
    if (host.current() === null && host.phase().phase === 'failed') return host.restoreOverDamaged(args);
    // A wrong passphrase is found while the node still runs: nothing is stopped for it.
    const running = host.current();
    const early = running ? await dataRestorePrecheck(running.deps, args) : null;
    if (early !== null) return early;
    return host.whileStopped(
      DATA_RESTORE_TASK,
      // Checked in full just above; the file is checked again, thoroughly, by the restore itself.
      () => null,
      (config, deps) => restoreData({ config, keys: deps.keyOptions }, args.path, args.passphrase, deps.backupCheck),
    );
  };
}
