// The Data screen's state: the database and its last backup, a backup under way (its progress polled from the node),
// a backup file read before a restore, and the restore itself (the desktop stops and restarts its node for it).
// Passphrases of sealed backups live only in the forms and the calls that use them; never here.
import { create } from 'zustand';
import type { DataBackupDone, DataBackupInput, DataInspected, DataOverview, DataRestoreDone, DataRestoreInput, DataScheduleInput } from '../../../shared/data';
import type { ContractError, Result } from '../../../shared/result';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

const PROGRESS_POLL_MS = 400;

interface DataStore {
  overview: Loadable<DataOverview>;
  isBackingUp: boolean;
  /** How far the backup under way has come (0..1), as the node last said. */
  progress: number | null;
  backupError: ContractError | null;
  lastBackup: DataBackupDone | null;
  inspected: DataInspected | null;
  inspectError: ContractError | null;
  isRestoring: boolean;
  restoreError: ContractError | null;
  lastRestore: DataRestoreDone | null;
  refresh(): Promise<void>;
  backUp(input: DataBackupInput): Promise<boolean>;
  clearBackupError(): void;
  inspect(path: string, passphrase?: string): Promise<void>;
  clearInspected(): void;
  restore(input: DataRestoreInput): Promise<boolean>;
  isSavingSchedule: boolean;
  scheduleError: ContractError | null;
  setSchedule(input: DataScheduleInput): Promise<boolean>;
}

function noteSignIn(r: Result<unknown>): void {
  if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
}

export const useData = create<DataStore>()((set, get) => ({
  overview: idle(),
  isBackingUp: false,
  progress: null,
  backupError: null,
  lastBackup: null,
  inspected: null,
  inspectError: null,
  isRestoring: false,
  restoreError: null,
  lastRestore: null,

  async refresh() {
    set({ overview: loading(get().overview) });
    const r = await transport.api.data.overview();
    set({ overview: settled(get().overview, r) });
    noteSignIn(r);
  },

  async backUp(input) {
    if (get().isBackingUp) return false;
    set({ isBackingUp: true, progress: 0, backupError: null, lastBackup: null });
    const poll = setInterval(() => {
      void transport.api.data.progress().then((p) => {
        if (p.ok && p.value !== null && get().isBackingUp) set({ progress: p.value.fraction });
      });
    }, PROGRESS_POLL_MS);
    const r = await transport.api.data.backup(input).finally(() => clearInterval(poll));
    set({ isBackingUp: false, progress: null, backupError: r.ok ? null : r.error, lastBackup: r.ok ? r.value : null });
    noteSignIn(r);
    if (r.ok) await get().refresh();
    return r.ok;
  },

  clearBackupError: () => set({ backupError: null }),

  async inspect(path, passphrase) {
    set({ inspectError: null, restoreError: null, lastRestore: null, ...(passphrase === undefined ? { inspected: null } : {}) });
    const r = await transport.api.data.inspect(passphrase === undefined ? { path } : { path, passphrase });
    // A wrong passphrase leaves the file's header on screen, with the refusal under it.
    set({ ...(r.ok || passphrase === undefined ? { inspected: r.ok ? r.value : null } : {}), inspectError: r.ok ? null : r.error });
    noteSignIn(r);
  },

  clearInspected: () => set({ inspected: null, inspectError: null, restoreError: null }),

  isSavingSchedule: false,
  scheduleError: null,

  async setSchedule(input) {
    if (get().isSavingSchedule) return false;
    set({ isSavingSchedule: true, scheduleError: null });
    const r = await transport.api.data.schedule(input);
    set({ isSavingSchedule: false, scheduleError: r.ok ? null : r.error });
    noteSignIn(r);
    if (r.ok) await get().refresh();
    return r.ok;
  },

  async restore(input) {
    if (get().isRestoring) return false;
    set({ isRestoring: true, restoreError: null, lastRestore: null });
    const r = await transport.api.data.restore(input);
    set({ isRestoring: false, restoreError: r.ok ? null : r.error, lastRestore: r.ok ? r.value : null, ...(r.ok ? { inspected: null } : {}) });
    noteSignIn(r);
    // The node was stopped and started again: if it did not come back, the startup screen says why.
    const phase = await transport.api.node.startup();
    if (!phase.ok || phase.value.phase !== 'ready') await useSession.getState().start();
    else await get().refresh();
    return r.ok;
  },
}));
