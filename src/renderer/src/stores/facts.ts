// The Facts screen's state: the filters last searched, the pages read so far (newest first), and the fact opened.
import { create } from 'zustand';
import type { RecentFact } from '../../../shared/contract';
import type { FactDetail, FactSearchInput } from '../../../shared/facts';
import type { ContractError, Result } from '../../../shared/result';
import { transport } from '../transport';
import { isSignInError } from './loadable';
import { useSession } from './session';

type Filters = Omit<FactSearchInput, 'cursor' | 'limit'>;

interface FactsStore {
  filters: Filters;
  facts: RecentFact[];
  total: number | null;
  cursor: string | null;
  isLoading: boolean;
  error: ContractError | null;
  detail: FactDetail | null;
  detailError: ContractError | null;
  search(filters: Filters): Promise<void>;
  more(): Promise<void>;
  open(id: string): Promise<void>;
  close(): void;
}

function noteSignIn(r: Result<unknown>): void {
  if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
}

export const useFacts = create<FactsStore>()((set, get) => ({
  filters: {},
  facts: [],
  total: null,
  cursor: null,
  isLoading: false,
  error: null,
  detail: null,
  detailError: null,

  async search(filters) {
    set({ filters, isLoading: true, error: null });
    const r = await transport.api.facts.search(filters);
    set(r.ok ? { facts: r.value.facts, total: r.value.total, cursor: r.value.cursor, isLoading: false } : { isLoading: false, error: r.error });
    noteSignIn(r);
  },

  async more() {
    const { cursor, filters, isLoading } = get();
    if (cursor === null || isLoading) return;
    set({ isLoading: true, error: null });
    const r = await transport.api.facts.search({ ...filters, cursor });
    set(r.ok ? { facts: [...get().facts, ...r.value.facts], total: r.value.total, cursor: r.value.cursor, isLoading: false } : { isLoading: false, error: r.error });
    noteSignIn(r);
  },

  async open(id) {
    set({ detailError: null });
    const r = await transport.api.facts.detail({ id });
    set({ detail: r.ok ? r.value : null, detailError: r.ok ? null : r.error });
    noteSignIn(r);
  },

  close: () => set({ detail: null, detailError: null }),
}));
