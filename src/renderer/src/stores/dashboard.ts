// The dashboard's data: node status and the latest facts, fetched together and refreshed on demand.
import { create } from 'zustand';
import type { NodeStatus, RecentFact } from '../../../shared/contract';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

export const DASHBOARD_FACT_LIMIT = 20;

interface DashboardState {
  status: Loadable<NodeStatus>;
  facts: Loadable<RecentFact[]>;
  refresh(): Promise<void>;
}

export const useDashboard = create<DashboardState>()((set, get) => ({
  status: idle(),
  facts: idle(),

  async refresh() {
    set({ status: loading(get().status), facts: loading(get().facts) });
    const [status, facts] = await Promise.all([transport.api.node.status(), transport.api.facts.recent({ limit: DASHBOARD_FACT_LIMIT })]);
    set({ status: settled(get().status, status), facts: settled(get().facts, facts) });
    const refused = [status, facts].find((r) => !r.ok && isSignInError(r.error));
    if (refused && !refused.ok) useSession.getState().expire(refused.error);
  },
}));
