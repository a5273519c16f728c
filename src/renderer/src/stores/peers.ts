// The peers screen's data: the peer list (refreshed while the screen is open) and the one change in progress.
import { create } from 'zustand';
import type { NodeStatus } from '../../../shared/contract';
import { DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT, type AuditPage } from '../../../shared/audit';
import type { AddPeerInput, PeerSummary, RemovedPeer } from '../../../shared/peers';
import type { ContractError, Result } from '../../../shared/result';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

export const PEERS_REFRESH_MS = 2000;

interface PeersState {
  peers: Loadable<PeerSummary[]>;
  /** This node, for the card the operator reads to the other side. */
  self: Loadable<NodeStatus>;
  /** The newest federation audit events (`eventsLimit` of them). */
  events: Loadable<AuditPage>;
  eventsLimit: number;
  showMoreEvents(): Promise<void>;
  /** The change being sent (add, re-pin or remove), so its button can say so. */
  busy: 'add' | 'repin' | 'remove' | null;
  /** Why the last change was refused, and which kind of change it was. */
  changeError: { kind: 'add' | 'repin' | 'remove'; error: ContractError } | null;
  refresh(): Promise<void>;
  add(input: AddPeerInput): Promise<PeerSummary | null>;
  repin(id: string, publicKey: string): Promise<PeerSummary | null>;
  remove(id: string): Promise<RemovedPeer | null>;
  clearChangeError(): void;
}

function expireOnSignInError(r: Result<unknown>): void {
  if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
}

export const usePeers = create<PeersState>()((set, get) => {
  /** Send one change; on success the list is fetched again so the row shows what the node now holds. */
  async function change<T>(kind: 'add' | 'repin' | 'remove', send: () => Promise<Result<T>>): Promise<T | null> {
    set({ busy: kind, changeError: null });
    const r = await send();
    set({ busy: null, changeError: r.ok ? null : { kind, error: r.error } });
    expireOnSignInError(r);
    if (r.ok) await get().refresh();
    return r.ok ? r.value : null;
  }

  return {
    peers: idle(),
    self: idle(),
    events: idle(),
    eventsLimit: DEFAULT_AUDIT_LIMIT,
    busy: null,
    changeError: null,

    async refresh() {
      set({ peers: loading(get().peers), self: loading(get().self), events: loading(get().events) });
      const [peers, self, events] = await Promise.all([transport.api.peers.list(), transport.api.node.status(), transport.api.audit.list({ category: 'federation', limit: get().eventsLimit })]);
      set({ peers: settled(get().peers, peers), self: settled(get().self, self), events: settled(get().events, events) });
      expireOnSignInError(peers);
    },

    async showMoreEvents() {
      set({ eventsLimit: Math.min(MAX_AUDIT_LIMIT, get().eventsLimit + DEFAULT_AUDIT_LIMIT) });
      await get().refresh();
    },

    add: (input) => change('add', () => transport.api.peers.add(input)),
    repin: (id, publicKey) => change('repin', () => transport.api.peers.repin({ id, publicKey })),
    remove: (id) => change('remove', () => transport.api.peers.remove({ id })),
    clearChangeError: () => set({ changeError: null }),
  };
});
