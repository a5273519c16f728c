// The node behind the desktop window while it starts: asked again until it is ready or has failed.
import { create } from 'zustand';
import type { NodeStartup } from '../../../shared/contract';
import type { ContractError } from '../../../shared/result';
import { transport } from '../transport';

export const STARTUP_POLL_MS = 250;

interface StartupState {
  startup: NodeStartup | null;
  /** The question itself failed (not the node's start). */
  error: ContractError | null;
  /** Resolves true once the node is ready, false when its start failed for good or could not be asked about. */
  waitUntilReady(): Promise<boolean>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const useStartup = create<StartupState>()((set) => ({
  startup: null,
  error: null,

  async waitUntilReady() {
    for (;;) {
      const r = await transport.api.node.startup();
      if (!r.ok) {
        set({ error: r.error });
        return false;
      }
      set({ startup: r.value, error: null });
      if (r.value.phase === 'ready') return true;
      // A damaged database can be restored over from the window, after which the node starts: keep asking.
      if (r.value.phase === 'failed' && !r.value.damagedDatabase) return false;
      await pause(STARTUP_POLL_MS);
    }
  },
}));
