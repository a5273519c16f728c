// The shell: the header and whichever screen the session allows.
import { useEffect, type ComponentType } from 'react';
import { ResultAnnouncer } from './components/Announce';
import { AppHeader } from './components/AppHeader';
import { SkipLink } from './components/SkipLink';
import { Spinner } from './components/Spinner';
import { AuditScreen } from './features/audit/AuditScreen';
import { DashboardScreen } from './features/dashboard/DashboardScreen';
import { DataScreen } from './features/data/DataScreen';
import { FactsScreen } from './features/facts/FactsScreen';
import { KeysScreen } from './features/keys/KeysScreen';
import { ManifestScreen } from './features/manifest/ManifestScreen';
import { PeersScreen } from './features/peers/PeersScreen';
import { QuarantineScreen } from './features/quarantine/QuarantineScreen';
import { TokensScreen } from './features/tokens/TokensScreen';
import { TrustScreen } from './features/trust/TrustScreen';
import { SignInScreen } from './features/signin/SignInScreen';
import { StartupScreen } from './features/startup/StartupScreen';
import { SCREEN_LABELS, useNav, type Screen } from './stores/nav';
import { resetNodeStores } from './stores/reset';
import { useSession } from './stores/session';

const PRODUCT = 'Stigmem Desktop';

const SCREENS: Record<Screen, ComponentType> = {
  overview: DashboardScreen,
  facts: FactsScreen,
  keys: KeysScreen,
  manifest: ManifestScreen,
  peers: PeersScreen,
  trust: TrustScreen,
  quarantine: QuarantineScreen,
  tokens: TokensScreen,
  data: DataScreen,
  audit: AuditScreen,
};

export function App() {
  const phase = useSession((s) => s.phase);
  const start = useSession((s) => s.start);
  const screen = useNav((s) => s.screen);
  const Current = SCREENS[screen];

  useEffect(() => {
    void start();
  }, [start]);

  const shown = phase === 'signed-in' ? SCREEN_LABELS[screen] : phase === 'signed-out' ? 'Sign in' : null;
  useEffect(() => {
    document.title = shown === null ? PRODUCT : `${shown} · ${PRODUCT}`;
  }, [shown]);

  // Signed out (by the button or a key no longer accepted): the next operator must not see this one's data or secrets.
  useEffect(() => {
    if (phase === 'signed-out') resetNodeStores();
  }, [phase]);

  return (
    <div className="app">
      {phase === 'signed-in' ? <SkipLink /> : null}
      <AppHeader />
      {/* Says which screen a tab opened, for a screen reader: focus stays on the tab. */}
      <p className="visually-hidden" role="status" data-testid="screen-announcer">
        {phase === 'signed-in' ? `${SCREEN_LABELS[screen]} screen` : ''}
      </p>
      <ResultAnnouncer />
      {phase === 'checking' ? (
        <main className="centered">
          <Spinner label="Connecting to the node…" />
        </main>
      ) : null}
      {phase === 'starting' ? <StartupScreen /> : null}
      {phase === 'signed-out' ? <SignInScreen /> : null}
      {phase === 'signed-in' ? <Current /> : null}
    </div>
  );
}
