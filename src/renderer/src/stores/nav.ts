// Which screen a signed-in operator is on.
import { create } from 'zustand';

export type Screen = 'overview' | 'facts' | 'keys' | 'manifest' | 'peers' | 'trust' | 'quarantine' | 'tokens' | 'data' | 'audit';

/** Each screen's name, in the order of the tab bar. */
export const SCREEN_LABELS: Record<Screen, string> = {
  overview: 'Overview',
  facts: 'Facts',
  keys: 'Keys',
  manifest: 'Manifest',
  peers: 'Peers',
  trust: 'Trust',
  quarantine: 'Quarantine',
  tokens: 'Tokens',
  data: 'Data',
  audit: 'Audit',
};

interface NavState {
  screen: Screen;
  show(screen: Screen): void;
}

export const useNav = create<NavState>()((set) => ({
  screen: 'overview',
  show: (screen) => set({ screen }),
}));
