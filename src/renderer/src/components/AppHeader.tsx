// The bar across the top: product name, which node this is, refresh and (in the console) sign-out.
import iconUrl from '../../../../resources/icon.svg';
import { useAudit } from '../stores/audit';
import { useDashboard } from '../stores/dashboard';
import { useData } from '../stores/data';
import { useFacts } from '../stores/facts';
import { useKeys } from '../stores/keys';
import { useManifest } from '../stores/manifest';
import { SCREEN_LABELS, useNav, type Screen } from '../stores/nav';
import { usePeers } from '../stores/peers';
import { useQuarantine } from '../stores/quarantine';
import { useTokens } from '../stores/tokens';
import { useTrust } from '../stores/trust';
import { useSession } from '../stores/session';
import { transport } from '../transport';

export function AppHeader() {
  const phase = useSession((s) => s.phase);
  const signOut = useSession((s) => s.signOut);
  const { status, refresh } = useDashboard();
  const isSignedIn = phase === 'signed-in';
  const { screen, show } = useNav();
  const isQuarantineBusy = useQuarantine((s) => s.page.phase === 'loading');
  // The peers screen refreshes itself every few seconds; its button asks now without a busy label flickering.
  const isBusy = screen === 'overview' ? status.phase === 'loading' : screen === 'quarantine' ? isQuarantineBusy : false;
  const refreshers: Record<Screen, () => Promise<void>> = { overview: refresh, facts: () => useFacts.getState().search(useFacts.getState().filters), keys: useKeys.getState().refresh, manifest: useManifest.getState().refresh, peers: usePeers.getState().refresh, trust: useTrust.getState().refresh, quarantine: useQuarantine.getState().refresh, tokens: useTokens.getState().refresh, data: useData.getState().refresh, audit: useAudit.getState().refresh };
  const refreshScreen = (): Promise<void> => refreshers[screen]();
  const tabs = Object.entries(SCREEN_LABELS) as [Screen, string][];

  return (
    <header className="app-header">
      <div className="app-header__brand" data-testid="header-brand">
        <img className="app-header__logo" src={iconUrl} alt="" />
        <span className="app-header__name">Stigmem</span>
        {status.value ? <span className="app-header__node mono" data-testid="header-node-url">{status.value.nodeUrl}</span> : null}
      </div>
      {isSignedIn ? (
        <nav className="nav" aria-label="Screens">
          {tabs.map(([id, label]) => (
            <button key={id} type="button" className="nav__tab" aria-current={screen === id ? 'page' : undefined} onClick={() => show(id)} data-testid={`nav-${id}`}>
              {label}
            </button>
          ))}
        </nav>
      ) : null}
      {isSignedIn ? (
        <div className="app-header__actions">
          {/* aria-disabled rather than disabled while busy: a disabled button loses the keyboard's focus in Chromium. */}
          <button type="button" className="button button--secondary" onClick={() => (isBusy ? undefined : void refreshScreen())} aria-disabled={isBusy} data-testid="header-refresh">
            {isBusy ? 'Refreshing…' : 'Refresh'}
          </button>
          {transport.adminKey ? (
            <button type="button" className="button button--ghost" onClick={signOut} data-testid="sign-out">
              Sign out
            </button>
          ) : null}
        </div>
      ) : null}
    </header>
  );
}
