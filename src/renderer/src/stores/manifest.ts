// The Manifest screen's data: this node's current org manifest, and a publication in progress.
import { create } from 'zustand';
import type { ExportedManifest, ExportManifestInput, ManifestState, PublishManifestInput } from '../../../shared/manifest';
import type { ContractError } from '../../../shared/result';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

interface ManifestStore {
  state: Loadable<ManifestState>;
  isPublishing: boolean;
  publishError: ContractError | null;
  isExporting: boolean;
  exportError: ContractError | null;
  lastExport: ExportedManifest | null;
  refresh(): Promise<void>;
  publish(input: PublishManifestInput): Promise<boolean>;
  exportTo(input: ExportManifestInput): Promise<boolean>;
  clearExportError(): void;
  clearPublishError(): void;
}

export const useManifest = create<ManifestStore>()((set, get) => ({
  state: idle(),
  isPublishing: false,
  publishError: null,
  isExporting: false,
  exportError: null,
  lastExport: null,

  async refresh() {
    set({ state: loading(get().state) });
    const r = await transport.api.manifest.current();
    set({ state: settled(get().state, r) });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
  },

  async publish(input) {
    set({ isPublishing: true, publishError: null });
    const r = await transport.api.manifest.publish(input);
    set({ isPublishing: false, publishError: r.ok ? null : r.error, ...(r.ok ? { state: settled(get().state, r) } : {}) });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    return r.ok;
  },

  async exportTo(input) {
    if (get().isExporting) return false;
    set({ isExporting: true, exportError: null, lastExport: null });
    const r = await transport.api.manifest.export(input);
    set({ isExporting: false, exportError: r.ok ? null : r.error, lastExport: r.ok ? r.value : null });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    return r.ok;
  },

  clearExportError: () => set({ exportError: null }),
  clearPublishError: () => set({ publishError: null }),
}));
