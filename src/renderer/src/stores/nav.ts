// Which screen a signed-in operator is on.
import { create } from 'zustand';

export type Screen = 'overview' | 'facts' | 'keys' | 'manifest' | 'peers' | 'trust' | 'quarantine' | 'tokens' | 'data' | 'audit';

interface NavState {
  screen: Screen;
  show(screen: Screen): void;
}

export const useNav = create<NavState>()((set) => ({
  screen: 'overview',
  show: (screen) => set({ screen }),
}));
