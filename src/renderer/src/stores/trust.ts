// The Trust screen's data: settings and scored sources, and the override being set or removed.
import { create } from 'zustand';
import type { ContractError } from '../../../shared/result';
import type { TrustedSource, TrustOverview } from '../../../shared/trust';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

interface TrustState {
  overview: Loadable<TrustOverview>;
  isSaving: boolean;
  /** Why the last change was refused, and for which source. */
  changeError: { source: string; error: ContractError } | null;
  /** The last score set, as the node stored it (its source normalised). */
  lastSaved: TrustedSource | null;
  refresh(): Promise<void>;
  set(source: string, score: number, note: string): Promise<boolean>;
  clear(source: string): Promise<boolean>;
}

export const useTrust = create<TrustState>()((set, get) => {
  async function change(source: string, send: () => ReturnType<typeof transport.api.trust.clear>, isSetting: boolean): Promise<boolean> {
    set({ isSaving: true, changeError: null, lastSaved: null });
    const r = await send();
    set({ isSaving: false, changeError: r.ok ? null : { source, error: r.error }, lastSaved: r.ok && isSetting ? r.value : null });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    await get().refresh();
    return r.ok;
  }

  return {
    overview: idle(),
    isSaving: false,
    changeError: null,
    lastSaved: null,

    async refresh() {
      set({ overview: loading(get().overview) });
      const r = await transport.api.trust.list();
      set({ overview: settled(get().overview, r) });
      if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    },

    set: (source, score, note) => change(source, () => transport.api.trust.set({ source, score, ...(note.trim() !== '' ? { note: note.trim() } : {}) }), true),
    clear: (source) => change(source, () => transport.api.trust.clear({ source }), false),
  };
});
