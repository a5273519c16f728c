// Whether the screens may talk to the node: over IPC once the desktop's node has started; over HTTP once the
// operator's admin key is accepted.
import { create } from 'zustand';
import type { ContractError } from '../../../shared/result';
import { transport } from '../transport';
import { isSignInError } from './loadable';
import { useStartup } from './startup';

export type SessionPhase = 'checking' | 'starting' | 'signed-out' | 'signed-in';

interface SessionState {
  phase: SessionPhase;
  isSigningIn: boolean;
  /** Why the last sign-in failed or why the session ended. */
  error: ContractError | null;
  start(): Promise<void>;
  signIn(key: string): Promise<void>;
  signOut(): void;
  /** A call was refused for want of a good key: back to the sign-in form with the reason. */
  expire(error: ContractError): void;
}

/** How often the desktop window checks that its node is still up (it is stopped and started again around some steps). */
export const NODE_WATCH_MS = 2_000;
let watch: ReturnType<typeof setInterval> | null = null;

/** A node that did not come back after a step (say, its database was found damaged): back to the startup screen. */
function watchForFailedRestart(onFailed: () => void): void {
  if (watch !== null) clearInterval(watch);
  watch = setInterval(() => {
    void transport.api.node.startup().then((r) => {
      if (!r.ok || r.value.phase !== 'failed' || watch === null) return;
      clearInterval(watch);
      watch = null;
      onFailed();
    });
  }, NODE_WATCH_MS);
}

export const useSession = create<SessionState>()((set) => ({
  phase: 'checking',
  isSigningIn: false,
  error: null,

  async start() {
    const keyStore = transport.adminKey;
    if (keyStore === null) {
      // The desktop opens its window before its node has started; the startup screen shows how far it is.
      set({ phase: 'starting', error: null });
      if (await useStartup.getState().waitUntilReady()) {
        set({ phase: 'signed-in' });
        watchForFailedRestart(() => void useSession.getState().start());
      }
      return;
    }
    if (keyStore.current() === null) return set({ phase: 'signed-out', error: null });
    const check = await transport.api.node.status();
    if (!check.ok && isSignInError(check.error)) {
      keyStore.forget();
      return set({ phase: 'signed-out', error: check.error });
    }
    set({ phase: 'signed-in', error: null });
  },

  async signIn(rawKey) {
    const keyStore = transport.adminKey;
    const key = rawKey.trim();
    if (keyStore === null) return set({ phase: 'signed-in', error: null });
    if (key === '') {
      return set({ error: { code: 'validation_failed', message: 'Enter the admin key (the value of STIGMEM_ADMIN_KEY).' } });
    }
    set({ isSigningIn: true, error: null });
    keyStore.use(key);
    const check = await transport.api.node.status();
    if (check.ok) {
      keyStore.remember();
      return set({ phase: 'signed-in', isSigningIn: false, error: null });
    }
    keyStore.forget();
    set({ phase: 'signed-out', isSigningIn: false, error: check.error });
  },

  signOut() {
    transport.adminKey?.forget();
    set({ phase: 'signed-out', error: null });
  },

  expire(error) {
    transport.adminKey?.forget();
    set({ phase: 'signed-out', error });
  },
}));
