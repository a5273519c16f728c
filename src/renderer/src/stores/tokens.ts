// The Tokens screen's data: tokens this node issued, the one just issued (shown once), and a revocation in progress.
import { create } from 'zustand';
import type { ContractError } from '../../../shared/result';
import type { IssuedToken, IssuedTokenResult, IssueTokenInput } from '../../../shared/tokens';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

interface TokensState {
  tokens: Loadable<IssuedToken[]>;
  /** The token just issued, with its signed JSON: shown until the operator dismisses it, never fetched again. */
  issued: IssuedTokenResult | null;
  busy: 'issue' | 'revoke' | null;
  changeError: { kind: 'issue' | 'revoke'; error: ContractError } | null;
  refresh(): Promise<void>;
  issue(input: IssueTokenInput): Promise<boolean>;
  revoke(tokenId: string, reason: string): Promise<boolean>;
  dismissIssued(): void;
  /** Forget a refusal from an earlier visit (its cause may be fixed by now). */
  clearChangeError(): void;
}

export const useTokens = create<TokensState>()((set, get) => ({
  tokens: idle(),
  issued: null,
  busy: null,
  changeError: null,

  async refresh() {
    set({ tokens: loading(get().tokens) });
    const r = await transport.api.tokens.list();
    set({ tokens: settled(get().tokens, r) });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
  },

  async issue(input) {
    set({ busy: 'issue', changeError: null, issued: null });
    const r = await transport.api.tokens.issue(input);
    set({ busy: null, issued: r.ok ? r.value : null, changeError: r.ok ? null : { kind: 'issue', error: r.error } });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    await get().refresh();
    return r.ok;
  },

  async revoke(tokenId, reason) {
    set({ busy: 'revoke', changeError: null });
    const r = await transport.api.tokens.revoke({ tokenId, reason });
    set({ busy: null, changeError: r.ok ? null : { kind: 'revoke', error: r.error } });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    await get().refresh();
    return r.ok;
  },

  dismissIssued: () => set({ issued: null }),
  clearChangeError: () => set({ changeError: null }),
}));
