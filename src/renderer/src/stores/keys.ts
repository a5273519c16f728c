// The Keys screen's data: the node's identity and ceremony record, and a backup in progress. The passphrase lives
// only in the form's state and the one call that seals the backup; it is never kept here.
import { create } from 'zustand';
import type { BackupDone, BackupInput, IdentityOverview, RotateKeyInput, RotationDone } from '../../../shared/identity';
import type { ContractError } from '../../../shared/result';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

interface KeysStore {
  overview: Loadable<IdentityOverview>;
  isBackingUp: boolean;
  backupError: ContractError | null;
  lastBackup: BackupDone | null;
  isRotating: boolean;
  rotateError: ContractError | null;
  lastRotation: RotationDone | null;
  refresh(): Promise<void>;
  backUp(input: BackupInput): Promise<boolean>;
  clearBackupError(): void;
  /** The desktop stops its node for this and starts it again; if it does not come back, the startup screen says why. */
  rotate(input: RotateKeyInput): Promise<boolean>;
}

export const useKeys = create<KeysStore>()((set, get) => ({
  overview: idle(),
  isBackingUp: false,
  backupError: null,
  lastBackup: null,

  async refresh() {
    set({ overview: loading(get().overview) });
    const r = await transport.api.identity.overview();
    set({ overview: settled(get().overview, r) });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
  },

  async backUp(input) {
    if (get().isBackingUp) return false;
    set({ isBackingUp: true, backupError: null, lastBackup: null });
    const r = await transport.api.identity.backup(input);
    set({ isBackingUp: false, backupError: r.ok ? null : r.error, lastBackup: r.ok ? r.value : null });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    // The record gained a line: show it.
    if (r.ok) await get().refresh();
    return r.ok;
  },

  clearBackupError: () => set({ backupError: null }),

  isRotating: false,
  rotateError: null,
  lastRotation: null,

  async rotate(input) {
    if (get().isRotating) return false;
    set({ isRotating: true, rotateError: null, lastRotation: null });
    const r = await transport.api.identity.rotate(input);
    // A backup written before the rotation holds the retired key: its report no longer describes this key.
    set({ isRotating: false, rotateError: r.ok ? null : r.error, lastRotation: r.ok ? r.value : null, ...(r.ok ? { lastBackup: null } : {}) });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    const phase = await transport.api.node.startup();
    if (!phase.ok || phase.value.phase !== 'ready') await useSession.getState().start();
    else await get().refresh();
    return r.ok;
  },
}));
