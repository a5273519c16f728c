// What the one always-present live region says: a result message appears in it, so a screen reader announces it even
// when the visible message was inserted already filled (which a new live region does not reliably announce).
import { create } from 'zustand';

interface AnnouncerState {
  message: string;
  /** Changes with each announcement, so the same words said twice are announced twice. */
  seq: number;
  announce(message: string): void;
}

export const useAnnouncer = create<AnnouncerState>()((set) => ({
  message: '',
  seq: 0,
  announce: (message) => set((s) => ({ message, seq: s.seq + 1 })),
}));
