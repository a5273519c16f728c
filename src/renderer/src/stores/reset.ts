// Forgetting everything a signed-in operator saw: each store that holds node data or secrets back to its first state.
import type { StoreApi, UseBoundStore } from 'zustand';
import { useAnnouncer } from './announcer';
import { useAudit } from './audit';
import { useDashboard } from './dashboard';
import { useData } from './data';
import { useFacts } from './facts';
import { useKeys } from './keys';
import { useManifest } from './manifest';
import { useNav } from './nav';
import { usePeers } from './peers';
import { useQuarantine } from './quarantine';
import { useTokens } from './tokens';
import { useTrust } from './trust';

// The session and startup stores are left out: they say whether anyone is signed in, which is what changed.
const NODE_STORES: UseBoundStore<StoreApi<object>>[] = [useAnnouncer, useAudit, useDashboard, useData, useFacts, useKeys, useManifest, useNav, usePeers, useQuarantine, useTokens, useTrust];

export function resetNodeStores(): void {
  for (const store of NODE_STORES) store.setState(store.getInitialState(), true);
}
